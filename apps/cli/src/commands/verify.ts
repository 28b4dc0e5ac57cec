import { ConflictError } from '@rowflow/contracts';
import type { Command } from 'commander';
import type { JobVerifyResult, TableVerifyResult } from '@rowflow/export';
import { withPool } from '../engine/database.js';
import { UsageError, WorkFailed } from '../exit.js';
import { emit, type OutputOptions } from '../output.js';
import { connectionOptions, type ConnectionOptions, target } from './connection.js';
import { exportDir } from './export.js';
import { jobIdArg } from './jobs.js';

interface VerifyOptions extends OutputOptions, ConnectionOptions {
  job?: string;
  export?: string;
  file?: string;
  exportDir?: string;
}

interface Verdict {
  ok: boolean;
  firstMismatch?: unknown;
}

export function registerVerify(program: Command): void {
  connectionOptions(
    program
      .command('verify')
      .description('Check a loaded table against the generator (--job, per key range, in the database) or an export file against its manifest (--export); exit 0 ok, 1 different')
      .option('--job <id>', 'job whose target table to check')
      .option('--export <id>', 'export whose file to check')
      .option('--file <path>', 'with --export: the file to check (default: where the export wrote it)')
      .option('--export-dir <dir>', 'with --export in-process: the export work directory root'),
  )
    .option('--json', 'print the result as JSON')
    .action((opts: VerifyOptions) => verify(opts));
}

function verdict(v: Verdict, opts: VerifyOptions, what: string): void {
  emit(v, opts, () => (v.ok ? `ok: ${what} matches` : `MISMATCH in ${what}: ${JSON.stringify(v.firstMismatch)}`));
  if (!v.ok) throw new WorkFailed(`${what} differs`, v);
}

/**
 * One line per table: its verdict, where it is, how it was checked, and what differs first, e.g.
 * `ok        orders (public.orders): 172 match, 28 dead-lettered (4 ranges)`.
 */
function tableLine(t: TableVerifyResult): string {
  const dead = t.deadLettered ? `, ${t.deadLettered} dead-lettered` : '';
  const how = t.method === 'checksum' ? 'no key: count + checksum over all columns' : `${t.rangesChecked} ranges`;
  const expected = t.rowsExpected - (t.deadLettered ?? 0);
  const counts = t.ok ? `${t.rows ?? t.rowsChecked} match${dead}` : `${t.rowsChecked} of ${expected} rows found${dead}`;
  const head = `${t.ok ? 'ok      ' : 'MISMATCH'}  ${t.table} (${t.targetSchema}.${t.targetTable}): ${counts} (${how})`;
  const m = t.firstMismatch;
  if (!m) return head;
  if (!('fromRow' in m)) return `${head}; ${m.reason} (${m.actualRows} rows in the table, ${m.expectedRows} generated)`;
  return `${head}; first differing range rows ${m.fromRow}..${m.toRow}: ${m.actualRows} rows found, ${m.expectedRows} generated${m.actualRows === m.expectedRows ? ', contents differ' : ''}`;
}

/** A job's verdict, per table; exit 1 (WorkFailed) when any table differs. */
function jobVerdict(v: JobVerifyResult, opts: VerifyOptions, id: string): void {
  const what = `job ${id}`;
  const text = () => [`${v.ok ? 'ok' : 'MISMATCH'}: ${what}, ${v.tables.length} table(s), ${v.rowsChecked} rows checked`, ...v.tables.map((t) => `  ${tableLine(t)}`)].join('\n');
  emit(v, opts, text);
  if (!v.ok) throw new WorkFailed(`${what} differs (table ${v.firstMismatch?.table ?? '?'})`, v);
}

async function verify(opts: VerifyOptions): Promise<void> {
  if ((opts.job === undefined) === (opts.export === undefined)) throw new UsageError('give exactly one of --job ID or --export ID', 'job');
  if (opts.export !== undefined && opts.server === undefined && opts.databaseUrl === undefined) return verifyExportFile(opts, opts.export);
  const t = target(opts);
  if (opts.export !== undefined) {
    if (t.kind !== 'server') return verifyExportFile(opts, opts.export);
    return verdict(await t.client.get<Verdict>(`/api/exports/${encodeURIComponent(opts.export)}/verify`), opts, `export ${opts.export}`);
  }
  const id = jobIdArg(opts.job!, 'job');
  if (t.kind === 'server') return jobVerdict(await t.client.get<JobVerifyResult>(`/api/jobs/${encodeURIComponent(id)}/verify`), opts, id);
  const { JobManifestStore, verifyJob } = await import('@rowflow/export');
  const { targetSchema } = await import('../engine/database.js');
  const result = await withPool(t.url, 2, async (pool) => {
    const store = new JobManifestStore(pool);
    const { input, state } = await store.job(id);
    // As the server does: a job still loading (or stopped) differs from its spec by design.
    if (state !== 'completed') throw new ConflictError(`job ${id} is ${state}; verify needs a completed job`);
    return verifyJob(pool, targetSchema(), input, await store.get(id).catch(() => undefined));
  });
  jobVerdict(result, opts, id);
}

async function verifyExportFile(opts: VerifyOptions, id: string): Promise<void> {
  const { insideDir, manifestFile, readJson, verifyFile } = await import('@rowflow/export');
  const dir = insideDir(exportDir(opts.exportDir), id, 'export');
  const m = await readJson<import('@rowflow/export').ExportManifest>(manifestFile(dir));
  if (!m) throw new UsageError(`no finished export ${id} under ${exportDir(opts.exportDir)}`, 'export');
  const file = opts.file ?? m.file.path;
  if (!file) throw new UsageError('give --file (the manifest does not record where the file is)', 'file');
  verdict(await verifyFile(file, m), opts, `export ${id} (${file})`);
}
