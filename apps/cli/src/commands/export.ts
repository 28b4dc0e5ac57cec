import { createHash } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { checkedTargetSchema, withPool } from '../engine/database.js';
import { interruptSignal } from '../engine/interrupt.js';
import type { ServerClient } from '../engine/server-client.js';
import { Interrupted, WorkFailed } from '../exit.js';
import { defined, emit, numberArg, type OutputOptions } from '../output.js';
import { openOutput } from '../output-file.js';
import { Progress } from '../progress.js';
import { connectionOptions, type ConnectionOptions, target } from './connection.js';

interface ExportOptions extends OutputOptions, ConnectionOptions {
  table?: string;
  out?: string;
  orderBy?: string;
  where?: string;
  workers?: string;
  chunkRows?: string;
  header: boolean;
  exportDir?: string;
  format?: string;
}

/** Work directory root for in-process exports (plan, part files, checkpoints, manifest). */
export const exportDir = (flag?: string) => resolve(flag ?? process.env.EXPORT_DIR ?? './.rowflow/exports');

export function registerExport(program: Command): void {
  connectionOptions(
    program
      .command('export')
      .description('Export a table or view to CSV or Parquet, checkpointed: rerunning the same command after Ctrl-C or kill -9 continues and yields the same bytes')
      .option('--table <name>', 'table or view in the target schema ($TARGET_SCHEMA, default public)')
      .option('--out <file>', 'the file to write')
      .option('--format <csv|parquet>', 'csv (default), or parquet: typed columns, converted from the checkpointed CSV kept in the work directory')
      .option('--order-by <column>', 'order/paging key (default: the single-column primary key)')
      .option('--where <json>', 'filter, e.g. \'{"and":[{"col":"id","op":">","value":10}]}\' (never SQL)')
      .option('--workers <w>', 'parallel key ranges (1..16); same bytes as one worker')
      .option('--chunk-rows <n>', 'rows per checkpointed chunk (default 10000)')
      .option('--no-header', 'no CSV header line')
      .option('--export-dir <dir>', 'work directory for checkpoints (default $EXPORT_DIR or ./.rowflow/exports)'),
  )
    .option('--json', 'print the result (id, rows, bytes, sha256) as JSON')
    .option('--no-progress', 'no progress output')
    .action((opts: ExportOptions) => exportCommand(opts));
  registerExports(program);
}

/**
 * `rowflow exports delete ID`: a server export (its files and record), or with the in-process
 * engine an export's work directory (`cli-…` ids: plan, checkpoints, parts; the --out file is yours).
 */
function registerExports(program: Command): void {
  const group = program.command('exports').description('Manage exports (delete)');
  connectionOptions(
    group
      .command('delete <id>')
      .description('delete an ended export: on a server its files and record; in-process its work directory')
      .option('--export-dir <dir>', 'work directory of in-process exports (default $EXPORT_DIR or ./.rowflow/exports)'),
  )
    .option('--json', 'print JSON')
    .action((id: string, opts: ExportOptions) => deleteExport(id, opts));
}

async function deleteExport(id: string, opts: ExportOptions): Promise<void> {
  const { ValidationError } = await import('@rowflow/contracts');
  const t = opts.server !== undefined ? target(opts) : undefined;
  if (t?.kind === 'server') await t.client.delete(`/api/exports/${encodeURIComponent(id)}`);
  else {
    if (!/^cli-[0-9a-f]{16}$/.test(id)) throw new ValidationError('id', `in-process exports have ids like cli-0123456789abcdef (give --server URL for a server's export), got ${JSON.stringify(id)}`);
    const { insideDir } = await import('@rowflow/export');
    const dir = insideDir(exportDir(opts.exportDir), id);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) throw new WorkFailed(`no export ${id} under ${exportDir(opts.exportDir)}`);
    await rm(dir, { recursive: true, force: true });
  }
  emit({ id, deleted: true }, opts, () => `deleted export ${id}`);
}

function requestOf(opts: ExportOptions): Record<string, unknown> {
  return defined({ table: opts.table, where: opts.where, orderBy: opts.orderBy, workers: numberArg(opts.workers), chunkRows: numberArg(opts.chunkRows), header: opts.header ? undefined : false, format: opts.format });
}

/** Same command (database, schema, request, output file) → same id → the rerun finds its checkpoints. */
function exportId(url: string, schema: string, req: unknown, out: string): string {
  const u = new URL(url);
  const db = `${u.hostname}:${u.port}${u.pathname}`;
  return `cli-${createHash('sha256').update(JSON.stringify({ db, schema, req, out })).digest('hex').slice(0, 16)}`;
}

async function exportCommand(opts: ExportOptions): Promise<void> {
  const { parseExportRequest } = await import('@rowflow/export');
  const { ValidationError } = await import('@rowflow/contracts');
  const body = requestOf(opts);
  const req = parseExportRequest(body);
  if (!opts.out) throw new ValidationError('out', 'is required (the file to write)');
  const t = target(opts);
  const out = await outPath(opts.out, exportDir(opts.exportDir));
  const signal = interruptSignal();
  if (t.kind === 'server') return exportRemote(t.client, body, out, signal, opts);
  const { exportParquet, insideDir, loadOrSavePlan, planExport, runExport } = await import('@rowflow/export');
  const schema = await checkedTargetSchema();
  const id = exportId(t.url, schema, req, out);
  const dir = insideDir(exportDir(opts.exportDir), id);
  const bar = new Progress(`export ${req.table}`, opts.progress === false);
  await withPool(t.url, req.workers + 2, async (pool) => {
    const plan = await loadOrSavePlan(dir, () => planExport(pool, schema, req));
    try {
      // Parquet is made from the export's CSV, which then stays in the work directory (reruns and verify use it).
      const csvPath = req.format === 'parquet' ? join(dir, 'export.csv') : out;
      const m = await runExport(plan, { pool, id, dir, finalPath: csvPath, signal, onProgress: (p) => bar.update({ rows: p.rows, bytes: p.bytes, total: p.rowsEstimate }) });
      const file = req.format === 'parquet' ? await exportParquet(pool, plan, csvPath, out, signal) : m.file;
      bar.done();
      const result = { id, state: 'completed', file: out, format: req.format, table: m.table, rows: m.file.rows, bytes: file.bytes, sha256: file.sha256, chunks: m.parts.reduce((s, p) => s + p.chunks.length, 0), parts: m.parts.length };
      emit(result, opts, () => `exported ${result.rows} rows (${result.bytes} bytes) of ${result.table} to ${out}\nsha256 ${result.sha256}  (export ${id}; rowflow verify --export ${id})`);
    } catch (err) {
      if (!signal.aborted) throw err;
      bar.done();
      throw new Interrupted(`export stopped at a checkpoint; rerun the same command to continue (export ${id})`);
    }
  });
}

/**
 * `--out` checked before any work starts: its directory must exist, it must not be a directory,
 * and it must stay out of the export work directory, whose checkpoints and part files a rerun
 * verifies, cuts and replaces (a file written there could be cut by a later export).
 */
async function outPath(raw: string, workRoot: string): Promise<string> {
  const { ValidationError } = await import('@rowflow/contracts');
  if (raw.includes('\u0000')) throw new ValidationError('out', 'is not a valid path');
  const out = resolve(raw);
  const rel = relative(workRoot, out);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) throw new ValidationError('out', `must not be inside the export work directory ${workRoot} (give --export-dir elsewhere, or another --out)`);
  const parent = await stat(dirname(out)).catch(() => undefined);
  if (!parent?.isDirectory()) throw new ValidationError('out', `directory ${dirname(out)} does not exist`);
  if ((await stat(out).catch(() => undefined))?.isDirectory()) throw new ValidationError('out', `${out} is a directory; give a file name`);
  return out;
}

interface RemoteExport {
  id: string;
  state: string;
  rows: number;
  bytes: number;
  rowsEstimate: number | null;
  sha256: string | null;
  error: string | null;
}

/** POST /api/exports, follow it, then download the file (tmp + rename), checking its sha256. */
async function exportRemote(client: ServerClient, body: Record<string, unknown>, out: string, signal: AbortSignal, opts: OutputOptions): Promise<void> {
  let e = await client.post<RemoteExport>('/api/exports', body);
  process.stderr.write(`export ${e.id} started on the server\n`);
  const bar = new Progress(`export ${String(body.table)}`, opts.progress === false);
  while (e.state === 'queued' || e.state === 'running') {
    await sleep(500, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) throw new Interrupted(`stopped watching; export ${e.id} keeps running on the server`);
    e = await client.get<RemoteExport>(`/api/exports/${e.id}`);
    bar.update({ rows: e.rows, bytes: e.bytes, total: e.rowsEstimate });
  }
  bar.done();
  if (e.state !== 'completed') throw new WorkFailed(`export ${e.id} ${e.state}${e.error ? `: ${e.error}` : ''}`, e);
  const res = await client.raw(`/api/exports/${e.id}/file`, signal);
  const hash = createHash('sha256');
  const tap = new Transform({ transform: (c: Buffer, _e, cb) => cb(null, (hash.update(c), c)) });
  const file = await openOutput(out);
  try {
    await pipeline(Readable.fromWeb(res.body as never), tap, file.stream, { signal });
  } catch (err) {
    await file.discard();
    throw err;
  }
  const sha = hash.digest('hex');
  if (sha !== e.sha256) {
    await file.discard();
    throw new WorkFailed(`downloaded file sha256 ${sha} differs from the export's ${e.sha256}`);
  }
  await file.commit();
  emit({ ...e, file: out }, opts, () => `exported ${e.rows} rows (${e.bytes} bytes) to ${out}\nsha256 ${sha}  (export ${e.id})`);
}
