/**
 * Live stats in the web page (real Chromium, real stack): the clickstream table gets a default
 * stats spec for its event-time column; starting it draws a uPlot chart of the windows and the
 * quality line; a bad spec shows the server's field-naming message.
 */
import { describe, expect, it } from 'vitest';
import { pickTable, setRunSettings, useWebStack } from './page-helpers.js';

const { openPage, screenshot } = useWebStack();

describe('live stats panel', () => {
  it('charts windowed stats of the clickstream with quality metrics', async () => {
    const page = await openPage();
    await pickTable(page, 'clickstream');
    await setRunSettings(page, 6000, 3);
    const spec = page.getByLabel('Stats spec (JSON)');
    await expect.poll(() => spec.inputValue()).toContain('"timeColumn": "occurred_at"');
    await page.getByRole('button', { name: 'Start stats' }).click();
    await expect.poll(() => page.getByTestId('stats-status').innerText(), { timeout: 45_000 }).toBe('done');
    expect(await page.getByTestId('stats-chart').locator('canvas').count()).toBe(1);
    const quality = await page.getByTestId('stats-quality').innerText();
    expect(quality).toContain('6,000 rows');
    expect(quality).toMatch(/late \d+\.\d\d%/);
    expect(await page.getByLabel('Metric').locator('option').allInnerTexts()).toEqual(['count', 'avg_duration_ms', 'p99_duration_ms']);
    await screenshot(page, 'live-stats', ['stats-panel', 'stats-quality']);
    expect(await page.getByTestId('stats-unordered').count()).toBe(0);
  });

  it('a table whose only timestamp is random (users.created_at) gets a spec and a note that most rows will be late', async () => {
    const page = await openPage();
    await pickTable(page, 'users');
    await expect.poll(() => page.getByLabel('Stats spec (JSON)').inputValue()).toContain('"timeColumn": "created_at"');
    await expect.poll(() => page.getByTestId('stats-unordered').innerText()).toContain('random timestamps, not event time');
  });

  it('a bad stats spec shows the field the server names', async () => {
    const page = await openPage();
    await pickTable(page, 'clickstream');
    await setRunSettings(page, 100, 3);
    await page.getByLabel('Stats spec (JSON)').fill(JSON.stringify({ timeColumn: 'occured_at', window: { type: 'tumbling', sizeMs: 1000 }, aggregates: [{ op: 'count' }] }));
    await page.getByRole('button', { name: 'Start stats' }).click();
    await expect.poll(() => page.getByTestId('stats-panel').getByRole('alert').innerText(), { timeout: 20_000 }).toContain('stats.timeColumn');
  });
});
