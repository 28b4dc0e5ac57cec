// Refreshes the screenshots shown in docs/web.md: runs the browser tests that take them (real
// stack, headless Chromium; they write test-output/screenshots/) and copies the main screens into
// docs/img/. Run by hand (`npm run docs:screenshots`), never by the test gate: images change
// with fonts and timing, tests must not.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SPECS = ['test/browser/web.spec.ts', 'test/browser/web-jobs.spec.ts', 'test/browser/web-datasets.spec.ts', 'test/browser/web-exports.spec.ts', 'test/browser/web-stats.spec.ts', 'test/browser/web-formats.spec.ts'];
const SHOTS = ['preview', 'job', 'dead-letters', 'job-resume-limit', 'dataset-import', 'dataset-modes', 'export-parquet', 'live-stats'];

const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...SPECS], { cwd: ROOT, stdio: 'inherit' });
const out = join(ROOT, 'docs', 'img');
mkdirSync(out, { recursive: true });
const missing = [];
for (const name of SHOTS) {
  const from = join(ROOT, 'test-output', 'screenshots', `${name}.png`);
  if (existsSync(from)) copyFileSync(from, join(out, `${name}.png`));
  else missing.push(name);
}
if (missing.length) process.stderr.write(`not taken (a test failed?): ${missing.join(', ')}\n`);
process.exitCode = run.status === 0 && missing.length === 0 ? 0 : 1;
