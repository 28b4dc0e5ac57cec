/**
 * Insert jobs from the page, in real headless Chromium against the real stack; the rows are
 * counted in PostgreSQL.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { pickTable, setRunSettings, useWebStack } from './page-helpers.js';

const { openPage, screenshot, databaseUrl } = useWebStack();

async function countRows(table: string): Promise<number> {
  const client = new pg.Client(databaseUrl());
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

describe('insert jobs from the page', () => {
  it('a job started from the page completes and Postgres holds exactly its rows', async () => {
    const page = await openPage();
    const target = `web_users_${Date.now().toString(36)}`;
    await pickTable(page, 'users');
    await setRunSettings(page, 5000, 11);
    await page.getByLabel('Chunk size', { exact: true }).fill('1000');
    await page.getByLabel('Partitions').fill('2');
    await page.getByLabel('Mode').selectOption('create');
    await page.getByLabel('Target table').fill(target);
    await page.getByRole('button', { name: 'Start job' }).click();
    const state = page.getByTestId('job-state');
    await expect.poll(() => state.innerText().catch(() => ''), { timeout: 55_000 }).toBe('completed');
    expect(await page.getByTestId('job-rows-written').innerText()).toBe('5,000 / 5,000');
    expect(await page.getByRole('progressbar', { name: 'Job progress' }).getAttribute('aria-valuenow')).toBe('100');
    expect(await countRows(target)).toBe(5000);
    await expect.poll(() => page.getByRole('table', { name: 'Jobs' }).innerText(), { timeout: 10_000 }).toContain('completed');
    await screenshot(page, 'job', ['job-monitor', 'rate-chart']);
  });
});
