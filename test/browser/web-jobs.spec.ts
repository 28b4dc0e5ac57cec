/**
 * Insert jobs from the page, in real headless Chromium against the real stack; the rows are
 * counted in PostgreSQL.
 */
import type { Page } from 'playwright-core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { pickTable, setRunSettings, useWebStack } from './page-helpers.js';

const { openPage, screenshot, databaseUrl, stack } = useWebStack();

async function sql<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client(databaseUrl());
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

async function countRows(table: string): Promise<number> {
  const [row] = await sql<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`);
  return Number(row!.n);
}

/** How many backends of the database wait for a lock matching `where` (on pg_locks). */
async function waitersOn(where: string): Promise<number> {
  const [row] = await sql<{ n: string }>(
    `SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database() AND ${where}`,
  );
  return Number(row!.n);
}

/** "12,345 / 300,000" → 12345 */
async function rowsWritten(page: Page): Promise<number> {
  const text = await page.getByTestId('job-rows-written').innerText();
  return Number(text.split('/')[0]!.replace(/[^0-9]/g, ''));
}

async function jobState(page: Page): Promise<string> {
  return page.getByTestId('job-state').innerText().catch(() => '');
}

/** Waits for a job state; on failure says why (the monitor shows the job's error) and what the servers logged. */
async function waitForState(page: Page, state: string, timeout: number): Promise<void> {
  try {
    await expect.poll(() => jobState(page), { timeout }).toBe(state);
  } catch (err) {
    const monitor = await page.getByTestId('job-monitor').innerText().catch(() => '(no monitor)');
    throw new Error(`${(err as Error).message}\n--- job monitor ---\n${monitor}\n--- server stderr ---\n${stack().logs()}`);
  }
}

function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

describe('insert jobs from the page', () => {
  it('a job started from the page completes and Postgres holds exactly its rows', { timeout: 360_000 }, async () => {
    const page = await openPage();
    const target = uniqueName('web_users');
    await pickTable(page, 'users');
    await setRunSettings(page, 5000, 11);
    await page.getByLabel('Chunk size', { exact: true }).fill('1000');
    await page.getByLabel('Partitions').fill('2');
    await page.getByLabel('Mode').selectOption('create');
    await page.getByLabel('Target table').fill(target);
    await page.getByRole('button', { name: 'Start job' }).click();
    await waitForState(page, 'completed', 240_000);
    expect(await page.getByTestId('job-rows-written').innerText()).toBe('5,000 / 5,000');
    expect(await page.getByTestId('job-phase').innerText()).toBe('done'); // keys built after the load (create mode)
    expect(await page.getByRole('progressbar', { name: 'Job progress' }).getAttribute('aria-valuenow')).toBe('100');
    expect(await countRows(target)).toBe(5000);
    await expect.poll(() => page.getByRole('table', { name: 'Jobs' }).innerText(), { timeout: 10_000 }).toContain('completed');
    await screenshot(page, 'job', ['job-monitor', 'rate-chart']);
  });

  it('cancel and resume from the page: exactly the committed rows, then all of them', async () => {
    const page = await openPage();
    const target = uniqueName('web_resume');
    const total = 250_000;
    // Deterministic on any machine: rows with id > HELD_AFTER wait (in a trigger) for an advisory
    // lock this test holds, so the job cannot finish before the cancel is committed.
    const HELD_AFTER = 4000;
    const key = 4243;
    await sql(`CREATE TABLE "${target}" (id int, n int)`);
    await sql(`CREATE FUNCTION "${target}_hold"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock_shared(${key}); RETURN NEW; END $$`);
    await sql(`CREATE TRIGGER hold BEFORE INSERT ON "${target}" FOR EACH ROW WHEN (NEW.id > ${HELD_AFTER}) EXECUTE FUNCTION "${target}_hold"()`);
    const gate = new pg.Client(databaseUrl());
    await gate.connect();
    try {
      await gate.query(`SELECT pg_advisory_lock(${key})`);
      await page.getByRole('radio', { name: 'Custom schema' }).check();
      const schema = { name: 'counted', columns: [{ name: 'id', type: 'serial' }, { name: 'n', type: 'int', min: 1, max: 100 }] };
      await page.getByLabel('Schema JSON').fill(JSON.stringify(schema));
      await setRunSettings(page, total, 21);
      await page.getByLabel('Chunk size', { exact: true }).fill('2000');
      await page.getByLabel('Partitions').fill('2');
      await page.getByLabel('Mode').selectOption('append');
      await page.getByLabel('Target table').fill(target);
      await page.getByRole('button', { name: 'Start job' }).click();
      const monitor = page.getByTestId('job-monitor');
      // Partition 1 commits its first HELD_AFTER rows; then both partitions' chunks wait on the gate.
      await expect.poll(() => rowsWritten(page).catch(() => 0), { timeout: 120_000 }).toBeGreaterThanOrEqual(HELD_AFTER);
      await expect.poll(() => waitersOn(`l.locktype = 'advisory' AND l.objid = ${key}`), { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
      await monitor.getByRole('button', { name: /^Cancel job/ }).click();
      // The cancel waits for the blocked chunks' partition row locks; open the gate only then, so
      // those chunks may commit but no later one can start.
      await expect.poll(() => waitersOn(`a.query LIKE '%job_partitions SET state = ''cancelled''%'`), { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
      await gate.query(`SELECT pg_advisory_unlock(${key})`);
      await waitForState(page, 'cancelled', 120_000);
      const atCancel = await rowsWritten(page);
      expect(atCancel).toBeGreaterThanOrEqual(HELD_AFTER);
      // The cancel's UPDATE takes the partition rows one at a time: while it waits on one
      // partition's blocked chunk, the other partition may commit any number of chunks (how many
      // depends on scheduling, so no bound is asserted on it). What is certain: the job stopped
      // short of its rows, and the status counts exactly the rows committed.
      expect(atCancel).toBeLessThan(total);
      expect(await countRows(target)).toBe(atCancel);

      await monitor.getByRole('button', { name: /^Resume job/ }).click();
      await waitForState(page, 'completed', 180_000);
      expect(await rowsWritten(page)).toBe(total);
      expect(await countRows(target)).toBe(total);
      expect(Number((await sql<{ n: string }>(`SELECT count(DISTINCT id) AS n FROM "${target}"`))[0]!.n)).toBe(total);
    } finally {
      await gate.end(); // ends the session: the gate opens if a failure left it closed
    }
  }, 480_000);

  it('rows rejected by the database show up as dead letters', async () => {
    const page = await openPage();
    const target = uniqueName('web_dl');
    await sql(`CREATE TABLE "${target}" (id int, n int CHECK (n <= 90))`);
    await page.getByRole('radio', { name: 'Custom schema' }).check();
    const schema = { name: 'scores', columns: [{ name: 'id', type: 'serial' }, { name: 'n', type: 'int', min: 1, max: 100 }] };
    await page.getByLabel('Schema JSON').fill(JSON.stringify(schema));
    await setRunSettings(page, 2000, 4);
    await page.getByLabel('Chunk size', { exact: true }).fill('500');
    await page.getByLabel('Mode').selectOption('append');
    await page.getByLabel('Target table').fill(target);
    await page.getByLabel('Dead-letter limit').fill('2000');
    await page.getByRole('button', { name: 'Start job' }).click();
    await waitForState(page, 'completed', 240_000);
    const inserted = await countRows(target);
    const skipped = Number((await page.getByTestId('job-dead-letters').innerText()).replace(/[^0-9]/g, ''));
    expect(skipped).toBeGreaterThan(0);
    expect(inserted + skipped).toBe(2000);
    expect(Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM "${target}" WHERE n > 90`))[0]!.n)).toBe(0);
    await page.getByRole('button', { name: /Show dead letters/ }).click();
    const list = page.getByRole('table', { name: 'Dead letters' });
    await list.waitFor();
    expect(await list.locator('tbody tr').count()).toBe(skipped);
    expect(await list.innerText()).toContain('23514');
    await screenshot(page, 'dead-letters', ['job-monitor']);
  }, 360_000);
});
