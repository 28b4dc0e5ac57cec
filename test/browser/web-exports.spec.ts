/**
 * The export panel in real headless Chromium against the real stack: start an export, watch it
 * finish, download the file; a bad filter shows the server's field error next to the filter box.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { copySha } from '../cli/cli-harness.js';
import { useWebStack } from './page-helpers.js';

const { openPage, screenshot, databaseUrl, stack } = useWebStack();

type Page = Awaited<ReturnType<typeof openPage>>;

/** The table field shows the page's selected table once the catalog is in; fill it only then. */
async function defaultTableShown(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('export-table').inputValue(), { timeout: 60_000 }).not.toBe('');
}
let reference: string;

beforeAll(async () => {
  const pool = new pg.Pool({ connectionString: databaseUrl(), max: 1 });
  try {
    await pool.query(`CREATE TABLE web_export_src AS SELECT g AS id, 'row ' || g AS label FROM generate_series(1, 20000) g`);
    await pool.query('ALTER TABLE web_export_src ADD PRIMARY KEY (id)');
    reference = await copySha(pool, 'SELECT * FROM web_export_src WHERE id > 500 ORDER BY id');
  } finally {
    await pool.end();
  }
});

describe('export panel', () => {
  // Generous deadlines: on a busy 2-core CI box the whole suite runs beside this page.
  it('exports a filtered table with 2 workers and links the finished file (bytes of the equivalent COPY)', { timeout: 300_000 }, async () => {
    const page = await openPage();
    // Numbered after the datasets section (5), as docs/web.md's "Section 6" says.
    expect(await page.getByRole('heading', { name: /Export a table to CSV/ }).innerText()).toBe('6 · Export a table to CSV or Parquet');
    await defaultTableShown(page);
    await page.getByTestId('export-table').fill('web_export_src');
    await page.getByTestId('export-workers').fill('2');
    await page.getByTestId('export-where').fill('{"col": "id", "op": ">", "value": 500}');
    await page.getByTestId('export-start').click();
    const link = page.getByTestId('export-file');
    await link.waitFor({ timeout: 240_000 }).catch(async (err: unknown) => {
      const panel = await page.getByTestId('export-panel').innerText().catch(() => '(no panel)');
      throw new Error(`${(err as Error).message}\n--- export panel ---\n${panel}\n--- server stderr ---\n${stack().logs()}`);
    });
    expect(await page.getByTestId('export-status').innerText()).toContain('completed');
    const href = await link.getAttribute('href');
    const body = Buffer.from(await (await fetch(`${stack().url}${href}`)).arrayBuffer());
    expect(createHash('sha256').update(body).digest('hex')).toBe(reference);
    await screenshot(page, 'export-completed', ['export-panel', 'export-status']);
  });

  it('an unknown filter column shows the server message under the filter; nothing starts', async () => {
    const page = await openPage();
    await defaultTableShown(page);
    await page.getByTestId('export-table').fill('web_export_src');
    await page.getByTestId('export-where').fill('{"col": "nope", "op": "=", "value": 1}');
    await page.getByTestId('export-start').click();
    await expect.poll(() => page.getByTestId('export-panel').innerText(), { timeout: 30_000 }).toContain('unknown column "nope"');
    expect(await page.getByTestId('export-status').count()).toBe(0);
  });

  it("a server error goes away when the next submit fails in the form itself (it does not stay under a corrected field)", async () => {
    const page = await openPage();
    await defaultTableShown(page);
    await page.getByTestId('export-table').fill('no_such_table');
    await page.getByTestId('export-start').click();
    await expect.poll(() => page.getByTestId('export-panel').innerText(), { timeout: 30_000 }).toContain('no table or view "no_such_table"');
    await page.getByTestId('export-table').fill('web_export_src');
    await page.getByTestId('export-where').fill('{not json');
    await page.getByTestId('export-start').click();
    await expect.poll(() => page.getByTestId('export-panel').innerText(), { timeout: 30_000 }).toContain('The filter must be JSON');
    expect(await page.getByTestId('export-panel').innerText()).not.toContain('no_such_table');
    expect(await page.getByTestId('export-status').count()).toBe(0);
  });
});
