// Export throughput vs one plain COPY, in one run on one throwaway PostgreSQL (ratios only mean
// something within a run). Needs `npm run build:server`. Usage: node bench/export-measure.mjs [rows]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copy from 'pg-copy-streams';
import { spawnThrowawayPostgres } from '@rowflow/devdb';

const ROOT = resolve(import.meta.dirname, '..');
const rows = process.argv[2] ?? '1000000';
const work = mkdtempSync(join(tmpdir(), 'rowflow-export-measure-'));
const db = await spawnThrowawayPostgres();
const cli = (args) => {
  const t = Date.now();
  execFileSync(process.execPath, [join(ROOT, 'apps/cli/dist/main.js'), ...args, '--database-url', db.url, '--no-progress'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, EXPORT_DIR: join(work, 'state') } });
  return (Date.now() - t) / 1000;
};
const sha = async (f) => {
  const h = createHash('sha256');
  for await (const c of createReadStream(f)) h.update(c);
  return h.digest('hex').slice(0, 16);
};
try {
  console.log(`load ${rows} pgbench_accounts (4 partitions, auto): ${cli(['load', '--table', 'pgbench_accounts', '--rows', rows, '--seed', '1', '--partitions', '4', '--chunk-size', 'auto'])} s`);
  const pool = new pg.Pool({ connectionString: db.url });
  const c = await pool.connect();
  const t = Date.now();
  await pipeline(c.query(copy.to('COPY (SELECT * FROM pgbench_accounts ORDER BY aid) TO STDOUT (FORMAT csv, HEADER)')), createWriteStream(join(work, 'base.csv')));
  const base = (Date.now() - t) / 1000;
  c.release();
  await pool.end();
  console.log(`one COPY … ORDER BY aid: ${base} s  sha256 ${await sha(join(work, 'base.csv'))}`);
  for (const [label, extra] of [['1 worker, 10k-row chunks', []], ['1 worker, 100k-row chunks', ['--chunk-rows', '100000']], ['4 workers, 100k-row chunks', ['--workers', '4', '--chunk-rows', '100000']]]) {
    const out = join(work, `${label.replace(/\W+/g, '_')}.csv`);
    const s = cli(['export', '--table', 'pgbench_accounts', '--out', out, ...extra]);
    console.log(`rowflow export ${label}: ${s} s (${(base / s).toFixed(2)}× one COPY)  sha256 ${await sha(out)}`);
  }
} finally {
  await db.stop();
  rmSync(work, { recursive: true, force: true });
}
