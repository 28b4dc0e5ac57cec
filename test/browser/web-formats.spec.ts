/**
 * The page's dataset modes, resume with a higher dead-letter limit, delete buttons, Parquet
 * exports and the stats panel's default key, in real Chromium against the real stack.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { pickTable, setRunSettings, useWebStack } from './page-helpers.js';
import { findTable } from '@rowflow/schema';

const { openPage, screenshot, databaseUrl, stack } = useWebStack();

async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client(databaseUrl());
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function api(path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${stack().url}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}

async function jobEnded(id: string): Promise<any> {
  let job: any;
  await expect.poll(async () => (job = await api(`/api/jobs/${id}`)).state, { timeout: 60_000 }).toMatch(/completed|failed|cancelled/);
  return job;
}

const exists = async (table: string) => (await sql<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`public."${table}"`]))[0]!.ok;

describe('dataset panel modes', () => {
  it('loads a dataset, then loads it again with mode append instead of failing on existing tables', async () => {
    const page = await openPage();
    const panel = page.getByTestId('dataset-panel');
    await panel.getByLabel('Target prefix').fill('twice_');
    await panel.getByRole('button', { name: 'Load dataset' }).click();
    await expect.poll(() => panel.getByTestId('dataset-status').innerText(), { timeout: 20_000 }).toMatch(/Dataset job [0-9a-f-]{36} started/);
    const first = /job ([0-9a-f-]{36})/.exec(await panel.getByTestId('dataset-status').innerText())![1]!;
    expect((await jobEnded(first)).state).toBe('completed');
    await panel.getByLabel('How to load the dataset').selectOption('append');
    expect(await panel.getByTestId('dataset-mode-help').innerText()).toContain('add rows to existing tables');
    await panel.getByRole('button', { name: 'Load dataset' }).click();
    await expect.poll(() => panel.getByTestId('dataset-status').innerText(), { timeout: 20_000 }).toMatch(/(started|refused)/);
    await expect.poll(() => panel.getByTestId('dataset-status').innerText(), { timeout: 20_000 }).not.toContain(first);
    const status = await panel.getByTestId('dataset-status').innerText();
    const second = /job ([0-9a-f-]{36})/.exec(status)?.[1];
    expect(second, status).toBeDefined();
    // The panel sent the mode: the job was accepted as an append over the existing tables.
    expect((await api(`/api/jobs/${second!}`)).mode).toBe('append');
    await jobEnded(second!);
    await screenshot(page, 'dataset-modes', ['dataset-panel', 'dataset-tables']);
  });
});

describe('jobs: resume with a higher dead-letter limit, delete', () => {
  it('a job stopped by its limit offers a new limit; resuming with it completes the job', async () => {
    const first = await api('/api/jobs', { table: 'users', rows: 30, seed: 9, targetTable: 'dl_web' });
    await jobEnded(first.id);
    // keyOffset 0: append would otherwise continue after the keys already there (by design).
    const again = await api('/api/jobs', { schema: { ...findTable('users'), keyOffset: 0 }, rows: 30, seed: 9, targetTable: 'dl_web', mode: 'append', skipLimit: 5 });
    expect((await jobEnded(again.id)).state).toBe('failed');
    const page = await openPage();
    const limit = page.getByLabel(`New dead-letter limit for job ${again.id}`).first();
    await limit.waitFor({ timeout: 20_000 });
    await limit.fill('50');
    await screenshot(page, 'job-resume-limit', ['jobs-list']);
    await page.getByRole('button', { name: `Resume job ${again.id}` }).first().click();
    await expect.poll(async () => (await api(`/api/jobs/${again.id}`)).state, { timeout: 60_000 }).toBe('completed');
    expect(await api(`/api/jobs/${again.id}`)).toMatchObject({ rowsSkipped: 30, rowsWritten: 0 });
  });

  it('deletes a job from the list, dropping its table only when ticked', async () => {
    const kept = await api('/api/jobs', { table: 'users', rows: 20, seed: 3, targetTable: 'kept_web' });
    const dropped = await api('/api/jobs', { table: 'users', rows: 20, seed: 3, targetTable: 'dropped_web' });
    await jobEnded(kept.id);
    await jobEnded(dropped.id);
    const page = await openPage();
    await page.getByRole('button', { name: `Delete job ${kept.id}` }).first().click();
    await page.getByRole('button', { name: `Confirm delete job ${kept.id}` }).first().click();
    await expect.poll(async () => (await fetch(`${stack().url}/api/jobs/${kept.id}`)).status, { timeout: 20_000 }).toBe(404);
    expect(await exists('kept_web')).toBe(true);
    await page.getByRole('button', { name: `Delete job ${dropped.id}` }).first().click();
    const confirm = page.getByRole('group', { name: `Confirm deleting job ${dropped.id}` }).first();
    await confirm.getByLabel('Also drop its tables').check();
    await confirm.getByRole('button', { name: `Confirm delete job ${dropped.id}` }).click();
    await expect.poll(async () => (await fetch(`${stack().url}/api/jobs/${dropped.id}`)).status, { timeout: 20_000 }).toBe(404);
    expect(await exists('dropped_web')).toBe(false);
  });
});

describe('exports: Parquet and delete', () => {
  it('exports a table as Parquet, offers the .parquet download, then deletes the export', async () => {
    await sql(`CREATE TABLE web_items AS SELECT g AS id, 'item ' || g AS name FROM generate_series(1, 500) g`);
    await sql('ALTER TABLE web_items ADD PRIMARY KEY (id)');
    const page = await openPage();
    const panel = page.getByTestId('export-panel');
    await panel.getByTestId('export-table').fill('web_items');
    await panel.getByTestId('export-format').selectOption('parquet');
    await panel.getByTestId('export-start').click();
    const link = panel.getByTestId('export-file');
    await expect.poll(() => link.innerText(), { timeout: 45_000 }).toBe('Download web_items.parquet');
    const href = (await link.getAttribute('href'))!;
    const bytes = Buffer.from(await (await fetch(`${stack().url}${href}`)).arrayBuffer());
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    await screenshot(page, 'export-parquet', ['export-panel', 'export-status']);
    await panel.getByTestId('export-delete').click();
    await expect.poll(() => panel.getByTestId('export-status').count(), { timeout: 20_000 }).toBe(0);
    expect((await fetch(`${stack().url}${href}`)).status).toBe(404);
  });
});

describe('live stats count duplicates by the table key by default', () => {
  it('clickstream (1 % re-delivered duplicates) shows about 1 % duplicates', async () => {
    const page = await openPage();
    await pickTable(page, 'clickstream');
    await setRunSettings(page, 20_000, 4);
    await expect.poll(() => page.getByLabel('Stats spec (JSON)').inputValue()).toContain('"dedupBy": "id"');
    await page.getByRole('button', { name: 'Start stats' }).click();
    await expect.poll(() => page.getByTestId('stats-status').innerText(), { timeout: 60_000 }).toBe('done');
    const quality = await page.getByTestId('stats-quality').innerText();
    const pct = Number(/duplicates (\d+\.\d+)%/.exec(quality)![1]);
    expect(pct).toBeGreaterThan(0.5);
    expect(pct).toBeLessThan(1.5);
  });
});
