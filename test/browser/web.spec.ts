/**
 * The web page in real headless Chromium against the real stack: built generator + orchestrator
 * processes (the orchestrator serving apps/web/dist) and a throwaway PostgreSQL database.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cuttableProxy } from './browser-stack.js';
import { pickTable, setRunSettings, useWebStack } from './page-helpers.js';

const { openPage, screenshot, stack } = useWebStack();

describe('web page in Chromium', () => {
  it('preview shows rows and reaches 100%', { timeout: 180_000 }, async () => {
    const page = await openPage();
    await pickTable(page, 'users');
    await setRunSettings(page, 2000, 7);
    await page.getByRole('button', { name: 'Start preview' }).click();
    await expect.poll(() => page.getByTestId('preview-status').innerText(), { timeout: 120_000 }).toBe('Completed');
    expect(await page.getByTestId('preview-percent').innerText()).toBe('100%');
    expect(await page.getByRole('progressbar', { name: 'Preview progress' }).getAttribute('aria-valuenow')).toBe('100');
    expect(await page.getByTestId('preview-stats').innerText()).toContain('2,000 / 2,000 rows');
    const grid = page.getByRole('table', { name: 'Preview rows' });
    expect(await grid.getAttribute('aria-rowcount')).toBe('2001');
    const headers = await grid.getByRole('columnheader').allInnerTexts();
    expect(headers).toContain('email');
    const firstRow = grid.locator('[aria-rowindex="2"]');
    expect(await firstRow.getByRole('cell').first().innerText()).toBe('1');
    // virtualized: far fewer DOM rows than data rows
    expect(await grid.getByRole('row').count()).toBeLessThan(100);
    await screenshot(page, 'preview', ['preview-table', 'preview-stats']);
  });

  it('a bad schema shows an inline error naming the field (the servers\' schema module runs in the page)', async () => {
    const page = await openPage();
    await page.getByRole('radio', { name: 'Custom schema' }).check();
    const editor = page.getByLabel('Schema JSON');
    await editor.fill(JSON.stringify({ name: 't', columns: [{ name: 'id', type: 'serial' }, { name: 'score', type: 'nope' }] }));
    const errors = page.getByTestId('schema-errors');
    await expect.poll(() => errors.innerText()).toContain('columns[1] “score” · type');
    expect(await errors.innerText()).toContain('unknown type "nope"');
    expect(await page.getByRole('button', { name: 'Start preview' }).isDisabled()).toBe(true);
    await screenshot(page, 'schema-error', ['schema-errors']);

    // cross-field rules (min > max) come from the same zod module as the servers': caught before any request
    await editor.fill(JSON.stringify({ name: 't', columns: [{ name: 'id', type: 'serial' }, { name: 'score', type: 'int', min: 10, max: 1 }] }));
    await expect.poll(() => errors.innerText()).toContain('columns[1] “score” · min');
    expect(await errors.innerText()).toContain('min (10) is greater than max (1)');
    expect(await page.getByRole('button', { name: 'Start preview' }).isDisabled()).toBe(true);
  });

  it('the download link streams a CSV with the header and every row', async () => {
    const page = await openPage();
    await page.getByRole('radio', { name: 'Custom schema' }).check();
    const schema = { name: 'people', columns: [{ name: 'id', type: 'serial' }, { name: 'name', type: 'fullName' }, { name: 'email', type: 'email' }] };
    await page.getByLabel('Schema JSON').fill(JSON.stringify(schema));
    await setRunSettings(page, 1234, 99);
    const link = page.getByRole('link', { name: 'Download CSV' });
    expect(await link.getAttribute('href')).toMatch(/^\/api\/orchestrator\/download\/csv\?/);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), link.click()]);
    expect(download.suggestedFilename()).toBe('people-99.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.split(/\r?\n/).filter((l) => l.length > 0);
    expect(lines[0]).toBe('id,name,email');
    expect(lines).toHaveLength(1235);
    expect(lines[1]!.startsWith('1,')).toBe(true);
    await screenshot(page, 'download', ['download-link']);
  });

  it('holds 150k streamed rows under a 100k cap, scrolls to the end and stays responsive', async () => {
    const page = await openPage();
    await pickTable(page, 'users');
    await setRunSettings(page, 150_000, 3);
    await page.getByLabel('Keep up to').fill('100000');
    await page.getByRole('button', { name: 'Start preview' }).click();
    // Responsive as an outcome, not a task-duration bound: while the stream runs, each read of
    // the page (it needs the main thread) sees the row count move, i.e. the page rendered
    // progress between batches. A page that swallowed the stream in one frozen task would show
    // only the start and the end.
    const counts = new Set<string>();
    const status = page.getByTestId('preview-status');
    await expect
      .poll(
        async () => {
          // One read of the stats line holds both the status badge and the row count.
          const stats = await page.getByTestId('preview-stats').innerText();
          if (stats.includes('Streaming')) counts.add(/([\d,]+) \/ [\d,]+ rows/.exec(stats)?.[1] ?? '');
          return status.innerText();
        },
        { timeout: 240_000 },
      )
      .toBe('Completed');
    const between = [...counts].map((c) => Number(c.replace(/,/g, ''))).filter((n) => n > 0 && n < 150_000);
    expect(between.length, `row counts seen mid-stream: ${[...counts].join(' ')}`).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('preview-stats').innerText()).toContain('150,000 / 150,000 rows');
    expect(await page.getByTestId('preview-stats').innerText()).toContain('showing the first 100,000');
    const grid = page.getByRole('table', { name: 'Preview rows' });
    expect(await grid.getAttribute('aria-rowcount')).toBe('100001');
    await grid.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    const last = grid.locator('[aria-rowindex="100001"]');
    await last.waitFor({ timeout: 30_000 });
    expect(await last.getByRole('cell').nth(1).innerText()).toBe('100000');
    expect(await grid.getByRole('row').count()).toBeLessThan(100);
  }, 360_000);

  it('shows the first rows while streaming, and Stop closes the stream', { timeout: 180_000 }, async () => {
    const page = await openPage();
    await pickTable(page, 'users');
    await setRunSettings(page, 1_000_000, 5);
    await page.getByRole('button', { name: 'Start preview' }).click();
    const grid = page.getByRole('table', { name: 'Preview rows' });
    await grid.locator('[aria-rowindex="2"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('preview-status').innerText()).toBe('Streaming');
    await page.getByRole('button', { name: 'Stop' }).click();
    expect(await page.getByTestId('preview-status').innerText()).toBe('Stopped');
    const stats = await page.getByTestId('preview-stats').innerText();
    await page.waitForTimeout(1000);
    expect(await page.getByTestId('preview-stats').innerText()).toBe(stats);
    expect(stats).not.toContain('1,000,000 / 1,000,000');
    await page.getByRole('button', { name: 'Restart preview' }).waitFor();
  });

  it('a random seed run shows the seed used, and keeping it reproduces the same rows', { timeout: 180_000 }, async () => {
    const page = await openPage();
    await pickTable(page, 'users');
    await page.getByLabel('Rows', { exact: true }).fill('300');
    await page.getByLabel('Random seed').check();
    expect(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).not.toContain('seed=');
    await page.getByRole('button', { name: 'Start preview' }).click();
    await expect.poll(() => page.getByTestId('preview-status').innerText(), { timeout: 60_000 }).toBe('Completed');
    const used = page.getByTestId('seed-used');
    await expect.poll(() => used.innerText()).toMatch(/Seed used: \d+/);
    const seed = /Seed used: (\d+)/.exec(await used.innerText())![1]!;
    const grid = page.getByRole('table', { name: 'Preview rows' });
    const firstEmail = await grid.locator('[aria-rowindex="2"]').getByRole('cell').nth(4).innerText();

    await page.getByRole('button', { name: 'keep this seed' }).click();
    expect(await page.getByLabel('Seed', { exact: true }).inputValue()).toBe(seed);
    expect(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toContain(`seed=${seed}`);
    await page.getByRole('button', { name: 'Restart preview' }).click();
    await expect.poll(() => page.getByTestId('preview-stats').innerText(), { timeout: 60_000 }).toContain(`seed ${seed}`);
    await expect.poll(() => page.getByTestId('preview-status').innerText()).toBe('Completed');
    expect(await grid.locator('[aria-rowindex="2"]').getByRole('cell').nth(4).innerText()).toBe(firstEmail);
  });

  it('survives a dropped connection: EventSource reconnects and the relay resumes at Last-Event-ID', async () => {
    const proxy = await cuttableProxy(stack().url);
    try {
      const page = await openPage(proxy.url);
      await pickTable(page, 'users');
      await setRunSettings(page, 300_000, 8);
      await page.getByRole('button', { name: 'Start preview' }).click();
      const grid = page.getByRole('table', { name: 'Preview rows' });
      await grid.locator('[aria-rowindex="2"]').waitFor({ timeout: 60_000 });
      // Hold the proxy shut until the page shows it is reconnecting: a reconnect that succeeds at
      // once could otherwise come and go between two polls of a busy machine.
      proxy.hold();
      proxy.cut();
      await expect.poll(() => page.getByTestId('preview-status').innerText(), { timeout: 60_000 }).toBe('Reconnecting…');
      proxy.release();
      await expect.poll(() => page.getByTestId('preview-status').innerText(), { timeout: 240_000 }).toBe('Completed');
      expect(await page.getByTestId('preview-stats').innerText()).toContain('300,000 / 300,000 rows');
      expect(await grid.getAttribute('aria-rowcount')).toBe('100001');
      // no row lost or repeated across the reconnect: row k still has id k
      for (const k of [1, 25_000, 50_000, 99_999, 100_000]) {
        await grid.evaluate((el, top) => el.scrollTo(0, top), (k - 5) * 28);
        const row = grid.locator(`[aria-rowindex="${k + 1}"]`);
        await row.waitFor({ timeout: 30_000 });
        expect(await row.getByRole('cell').nth(1).innerText()).toBe(String(k));
      }
    } finally {
      await proxy.close();
    }
  }, 360_000);
});
