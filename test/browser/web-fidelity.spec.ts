/**
 * The fidelity view, in real headless Chromium against the real stack: a source schema filled by
 * plain SQL and analysed, profiled through the API, loaded by a dataset job, then compared on the
 * page (source and generated side by side).
 */
import type { DatasetSpec } from '@rowflow/contracts';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DDL, FILL } from '../profile/source-data.js';
import { useWebStack } from './page-helpers.js';

const { openPage, screenshot, databaseUrl, stack } = useWebStack();

async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack().url}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as T & { message?: string };
  if (!res.ok) throw new Error(`${path} → ${res.status}: ${json.message}`);
  return json;
}

describe('fidelity on the page', () => {
  it('a profiled dataset job shows ✓ per column with source and generated side by side', { timeout: 300_000 }, async () => {
    const client = new pg.Client(databaseUrl());
    await client.connect();
    try {
      await client.query('CREATE SCHEMA src; SET search_path = src');
      await client.query(DDL);
      await client.query(FILL);
    } finally {
      await client.end();
    }
    const { dataset } = await api<{ dataset: DatasetSpec }>('/api/introspect', { schema: 'src', profile: 'stats', tables: ['customers', 'orders'] });
    const { id } = await api<{ id: string }>('/api/jobs', { dataset, mode: 'create', seed: 5, targetPrefix: 'fid_' });
    await expect.poll(async () => (await api<{ state: string }>(`/api/jobs/${id}`)).state, { timeout: 240_000 }).toBe('completed');

    const page = await openPage();
    await page.getByRole('button', { name: `Show job ${id}` }).click();
    await page.getByRole('button', { name: /Check fidelity/ }).click();
    const verdict = page.getByTestId('fidelity-verdict');
    await verdict.waitFor({ timeout: 60_000 });
    expect(await verdict.innerText()).toMatch(/^✓ faithful: (\d+) of \1 checks/);
    const rows = await page.getByTestId('fidelity-row').allInnerTexts();
    expect(rows.some((r) => r.includes('customers.country') && r.startsWith('✓'))).toBe(true);
    expect(rows.some((r) => r.includes('orders.customer_id') && r.includes('children per referenced parent'))).toBe(true);
    await screenshot(page, 'fidelity', ['fidelity']);
  });
});
