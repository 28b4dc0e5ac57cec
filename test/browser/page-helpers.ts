/**
 * Shared set-up of the browser spec files: one throwaway database, the real stack and one
 * Chromium per file (registered as beforeAll/afterAll), plus page helpers.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { freshDatabase } from '../setup/helpers.js';
import { ensureWebBuilt, launchChromium, SCREENSHOTS, startWebStack, type WebStack } from './browser-stack.js';

export const VIEWPORT = { width: 1360, height: 1000 };

export interface WebTestContext {
  databaseUrl(): string;
  stack(): WebStack;
  /** Opens the page at the orchestrator's URL, or at `url` (e.g. through a proxy). */
  openPage(url?: string): Promise<Page>;
  /** Saves `<name>.png` and checks it rendered (boxes + text of `testIds`, PNG ≫ blank page). */
  screenshot(page: Page, name: string, testIds: string[]): Promise<void>;
}

/**
 * Registers the hooks; everything started is stopped in afterAll, even after a failed start.
 * `env` goes to both apps (e.g. ROWFLOW_API_TOKEN).
 */
export function useWebStack(env: NodeJS.ProcessEnv = {}): WebTestContext {
  let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  let stack: WebStack | undefined;
  let browser: Browser | undefined;
  let blankPngBytes = 0;
  const pages: Page[] = [];

  beforeAll(async () => {
    await ensureWebBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    db = await freshDatabase(inject('databaseUrl'));
    stack = await startWebStack(db.url, env);
    browser = await launchChromium();
    const blank = await browser.newPage({ viewport: VIEWPORT });
    await blank.setContent('<html><body style="margin:0;background:#f5f6f8"></body></html>');
    blankPngBytes = (await blank.screenshot()).length;
    await blank.close();
  });

  afterAll(async () => {
    // Each step guarded: one failing must not leave the others running.
    await Promise.allSettled(pages.map((p) => p.close()));
    await browser?.close().catch(() => undefined);
    await stack?.stop().catch(() => undefined);
    await db?.drop().catch(() => undefined);
  });

  return {
    databaseUrl: () => db!.url,
    stack: () => stack!,
    openPage: async (url?: string) => {
      const page = await browser!.newPage({ viewport: VIEWPORT, acceptDownloads: true });
      pages.push(page);
      await page.goto(url ?? stack!.url);
      await page.getByRole('heading', { name: 'Rowflow' }).waitFor();
      return page;
    },
    screenshot: async (page, name, testIds) => {
      for (const id of testIds) {
        const el = page.getByTestId(id).first();
        const box = await el.boundingBox();
        expect(box, id).not.toBeNull();
        expect(box!.width * box!.height, id).toBeGreaterThan(0);
        expect((await el.innerText()).trim().length, id).toBeGreaterThan(0);
      }
      const png = await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.length).toBeGreaterThan(blankPngBytes * 2);
    },
  };
}

/** Picks a catalog table whether the page shows the catalog (select) or its fallback (input). */
export async function pickTable(page: Page, name: string): Promise<void> {
  const field = page.getByLabel('Table', { exact: true });
  await field.waitFor();
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(name);
  else await field.fill(name);
}

export async function setRunSettings(page: Page, rows: number, seed: number): Promise<void> {
  await page.getByLabel('Rows', { exact: true }).fill(String(rows));
  await page.getByLabel('Seed', { exact: true }).fill(String(seed));
}
