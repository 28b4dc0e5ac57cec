import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type TableSpec, ValidationError } from '@rowflow/contracts';
import { createRowStream, resolveSeed, type StreamFormat } from '@rowflow/generator';
import { findTable, parseStreamParams, validateTableSpec } from '@rowflow/schema';
import type { Command } from 'commander';
import { interruptSignal } from '../engine/interrupt.js';
import { Interrupted, UsageError } from '../exit.js';
import { defined, digitsArg, emit, jsonFile, type OutputOptions } from '../output.js';
import { Progress } from '../progress.js';

interface GenerateOptions extends OutputOptions {
  table?: string;
  schema?: string;
  rows?: string;
  seed?: string;
  offset?: string;
  header?: string;
  format: string;
  output?: string;
}

const maxRows = () => Number(process.env.MAX_ROWS ?? 100_000_000);

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('Write generated rows (CSV or NDJSON) in-process: the same bytes as the HTTP generator for the same arguments')
    .option('--table <name>', 'catalog table (users, orders, products, events, pgbench_accounts)')
    .option('--schema <file.json>', 'custom table spec {name, columns:[…]} instead of --table')
    .option('--rows <n>', 'number of rows (an integer; 1e6 accepted)')
    .option('--seed <s>', 'seed; 0 or absent picks one (printed, to replay)')
    .option('--offset <k>', 'first row index (rows k.. of the full stream)', undefined)
    .option('--format <csv|ndjson>', 'output format', 'csv')
    .option('--header <true|false>', 'CSV header line (default: only at offset 0)')
    .option('-o, --output <file>', 'write to a file (default: stdout)')
    .option('--json', 'print a JSON summary (needs -o)')
    .option('--no-progress', 'no progress output')
    .action((opts: GenerateOptions) => generate(opts));
}

async function spec(opts: GenerateOptions, table: string | undefined): Promise<TableSpec> {
  if (opts.schema !== undefined && table !== undefined) throw new ValidationError('table', 'give either --table or --schema, not both');
  if (opts.schema !== undefined) return validateTableSpec(await jsonFile(opts.schema, 'schema'), 'schema');
  if (table === undefined) throw new ValidationError('table', 'is required (or give --schema)');
  return findTable(table);
}

async function generate(opts: GenerateOptions): Promise<void> {
  // The generator's own parser, so flags fail exactly like its query parameters do.
  const params = parseStreamParams(defined({ table: opts.table, rows: digitsArg(opts.rows), seed: opts.seed, offset: digitsArg(opts.offset), header: opts.header }), { maxRows: maxRows() });
  if (opts.format !== 'csv' && opts.format !== 'ndjson') throw new ValidationError('format', `must be csv or ndjson, got ${JSON.stringify(opts.format)}`);
  const tableSpec = await spec(opts, params.table);
  if (opts.json && !opts.output) throw new UsageError('--json needs -o FILE (stdout carries the rows)', 'json');
  const seed = resolveSeed(params.seed);
  const signal = interruptSignal();
  const rows = createRowStream({ spec: tableSpec, seed, offset: params.offset, rows: params.rows, format: opts.format as StreamFormat, header: params.header, signal });
  process.stderr.write(`seed: ${seed}\n`);
  const hash = createHash('sha256');
  const counter = meter(hash, opts.output ? new Progress(`generate ${tableSpec.name}`, opts.progress === false) : undefined, params.rows, opts.format === 'csv' && (params.header ?? params.offset === 0));
  const tmp = opts.output ? `${opts.output}.rowflow-tmp` : undefined;
  const sink: Writable = tmp ? createWriteStream(tmp) : process.stdout;
  try {
    await pipeline(rows, counter.transform, sink, { signal });
  } catch (err) {
    if (signal.aborted) throw new Interrupted('generate stopped');
    throw err;
  }
  counter.progress?.done();
  if (!opts.output || !tmp) return;
  await rename(tmp, opts.output);
  const result = { file: opts.output, table: tableSpec.name, rows: params.rows, offset: params.offset, seed, format: opts.format, bytes: counter.bytes(), sha256: hash.digest('hex') };
  emit(result, opts, () => `wrote ${result.rows} rows (${result.bytes} bytes) to ${result.file}; seed ${seed}; sha256 ${result.sha256}`);
}

/** Counts bytes and newlines (rows) as they pass, hashing them, feeding the progress display. */
function meter(hash: ReturnType<typeof createHash>, progress: Progress | undefined, total: number, header: boolean) {
  let bytes = 0;
  let lines = header ? -1 : 0;
  const transform = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
      progress?.update({ rows: Math.min(Math.max(lines, 0), total), bytes, total });
      cb(null, chunk);
    },
  });
  return { transform, progress, bytes: () => bytes };
}
