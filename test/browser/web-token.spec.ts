/**
 * The page against a server with ROWFLOW_API_TOKEN and ROWFLOW_PROTECT_READS, in real headless
 * Chromium: the first 401 opens the token dialog; once given, the catalog loads, the preview's
 * EventSource reads through the session cookie and a job starts with the Authorization header.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { pickTable, setRunSettings, useWebStack } from './page-helpers.js';

const TOKEN = 'browser-token-42-abcdef';
const { openPage, databaseUrl, stack } = useWebStack({ ROWFLOW_API_TOKEN: TOKEN, ROWFLOW_PROTECT_READS: 'true' });

async function countRows(table: string): Promise<number> {
  const client = new pg.Client(databaseUrl());
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`)).rows[0]!.n);
  } finally {
    await client.end();
  }
}

describe('page with an API token', () => {
  it('asks for the token once, then previews and inserts with it', { timeout: 480_000 }, async () => {
    const page = await openPage();
    const dialog = page.getByRole('dialog', { name: 'Access token' });
    await dialog.waitFor();
    await dialog.getByLabel('Token').fill('wrong-token-123');
    await dialog.getByRole('button', { name: 'Use token' }).click();
    // A wrong token is refused and asked for again, with that said.
    await expect.poll(() => dialog.innerText(), { timeout: 60_000 }).toContain('did not accept');
    await dialog.getByLabel('Token').fill(TOKEN);
    await dialog.getByRole('button', { name: 'Use token' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
    expect(await page.evaluate(() => sessionStorage.getItem('rowflow.token'))).toBe(TOKEN);

    await pickTable(page, 'users');
    await setRunSettings(page, 300, 5);
    await page.getByRole('button', { name: 'Start preview' }).click();
    await expect.poll(() => page.getByTestId('preview-status').innerText(), { timeout: 120_000 }).toBe('Completed');

    const target = `tok_${Date.now().toString(36)}`;
    await page.getByLabel('Target table').fill(target);
    await page.getByRole('button', { name: 'Start job' }).click();
    await expect.poll(() => page.getByTestId('job-state').innerText().catch(() => ''), { timeout: 240_000 }).toBe('completed');
    expect(await countRows(target)).toBe(300);
    expect(await dialog.isVisible()).toBe(false);
    expect(stack().logs()).not.toMatch(/"level":50/);
  });
});
