#!/usr/bin/env node
/**
 * The `rowflow` command as npm links it. `npm install` links bins before anything is built, so
 * this file (plain JavaScript, nothing to compile) runs the built CLI and, the first time, builds
 * it: `npx rowflow` works right after `npm install`. Building here rather than in an npm
 * `prepare` script keeps every install (CI, containers, `npm ci`) from paying for a compile it
 * may not need, and rebuilds after a `dist/` was removed. Build output goes to stderr: stdout
 * belongs to the command's results.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const main = resolve(root, 'apps/cli/dist/main.js');

if (!existsSync(main)) {
  process.stderr.write('rowflow: first run, building the command line (tsc -b apps/cli)…\n');
  const tsc = resolve(root, 'node_modules/typescript/bin/tsc');
  const built = spawnSync(process.execPath, [tsc, '-b', 'apps/cli'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (built.status !== 0) {
    process.stderr.write('rowflow: the build failed (see above); `npm run build` shows the same errors\n');
    process.exit(built.status ?? 1);
  }
}
await import(pathToFileURL(main).href);
