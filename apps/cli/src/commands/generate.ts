import { createHash } from 'node:crypto';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { type DatasetSpec, type TableSpec, ValidationError } from '@rowflow/contracts';
import { createDatasetRowStream, createRowStream, datasetTableRows, resolveSeed, type StreamFormat } from '@rowflow/generator';
import { catalog, datasetTable, findTable, parseStreamParams, resolveDataset, type StreamParams, validateTableSpec } from '@rowflow/schema';
import type { Command } from 'commander';
import { interruptSignal } from '../engine/interrupt.js';
import { Interrupted, UsageError } from '../exit.js';
import { defined, digitsArg, emit, jsonFile, type OutputOptions } from '../output.js';
import { openOutput } from '../output-file.js';
import { Progress } from '../progress.js';

interface GenerateOptions extends OutputOptions {
  table?: string;
  schema?: string;
  dataset?: string;
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
    .description('Write generated rows (CSV, NDJSON, SQL INSERTs or Parquet) in-process: the same bytes as the HTTP generator for the same arguments')
    .option('--table <name>', `catalog table (${catalog.map((t) => t.name).join(', ')})`)
    .option('--schema <file.json>', 'custom table spec {name, columns:[…]} instead of --table')
    .option('--dataset <name|file.json>', 'a table of a dataset: a catalog dataset name, or a dataset spec file (a path ending in .json or containing /); --table names the table')
    .option('--rows <n>', 'number of rows (an integer; 1e6 accepted; with --dataset default: the rest of the table)')
    .option('--seed <s>', 'seed; 0 or absent picks one (printed, to replay)')
    .option('--offset <k>', 'first row index (rows k.. of the full stream)', undefined)
    .option('--format <csv|ndjson|sql|parquet>', 'output format: sql = batched INSERT statements for psql -f; parquet = typed columns (needs -o or a pipe)', 'csv')
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

/** What to generate: the rows stream, the table's name and how many rows it carries. */
interface Source {
  rows: Readable;
  table: string;
  count: number;
  params: StreamParams;
  seed: number;
}

async function generate(opts: GenerateOptions): Promise<void> {
  const signal = interruptSignal();
  const src = opts.dataset !== undefined ? await datasetSource(opts, signal) : await tableSource(opts, signal);
  if (opts.json && !opts.output) throw new UsageError('--json needs -o FILE (stdout carries the rows)', 'json');
  const { params, seed } = src;
  process.stderr.write(`seed: ${seed}\n`);
  const hash = createHash('sha256');
  if (opts.format === 'parquet' && !opts.output && process.stdout.isTTY) throw new UsageError('Parquet is binary: give -o FILE or pipe stdout', 'output');
  const progress = opts.output ? new Progress(`generate ${src.table}`, opts.progress === false) : undefined;
  const counter = meter(hash, progress, src.count, rowCounter(opts.format, src.rows, opts.format === 'csv' && (params.header ?? params.offset === 0)));
  const out = opts.output ? await openOutput(opts.output) : undefined;
  const sink: Writable = out ? out.stream : process.stdout;
  try {
    await pipeline(src.rows, counter.transform, sink, { signal });
  } catch (err) {
    await out?.discard();
    if (signal.aborted) throw new Interrupted('generate stopped');
    throw err;
  }
  counter.progress?.done();
  if (!opts.output || !out) return;
  await out.commit();
  const result = { file: opts.output, table: src.table, ...(opts.dataset !== undefined ? { dataset: opts.dataset } : {}), rows: src.count, offset: params.offset, seed, format: opts.format, bytes: counter.bytes(), sha256: hash.digest('hex') };
  emit(result, opts, () => `wrote ${result.rows} rows (${result.bytes} bytes) to ${result.file}; seed ${seed}; sha256 ${result.sha256}`);
}

/** A catalog table or a --schema spec; the generator's own parser, so flags fail exactly like its query parameters do. */
async function tableSource(opts: GenerateOptions, signal: AbortSignal): Promise<Source> {
  const params = parseStreamParams(defined({ table: opts.table, rows: digitsArg(opts.rows), seed: opts.seed, offset: digitsArg(opts.offset), header: opts.header }), { maxRows: maxRows() });
  const format = formatOf(opts);
  const tableSpec = await spec(opts, params.table);
  const seed = resolveSeed(params.seed);
  const rows = createRowStream({ spec: tableSpec, seed, offset: params.offset, rows: params.rows, format, header: params.header, signal });
  return { rows, table: tableSpec.name, count: params.rows, params, seed };
}

/**
 * One table of a dataset, checked and sized as the HTTP generator's dataset stream does it
 * (`GET|POST /api/generator/stream/:format` with `dataset` + `table`): rows default to the rest
 * of the table from --offset, and the bytes are the same for the same dataset/table/seed/rows/offset.
 */
async function datasetSource(opts: GenerateOptions, signal: AbortSignal): Promise<Source> {
  if (opts.schema !== undefined) throw new ValidationError('schema', 'give either --dataset (+ --table) or --schema, not both');
  const rowsGiven = opts.rows !== undefined;
  // rows is optional here; a placeholder keeps the shared parser strict about everything else.
  const params = parseStreamParams(defined({ table: opts.table, rows: rowsGiven ? digitsArg(opts.rows) : '1', seed: opts.seed, offset: digitsArg(opts.offset), header: opts.header }), { maxRows: maxRows() });
  const format = formatOf(opts);
  const dataset = await datasetArg(opts.dataset!);
  if (params.table === undefined) throw new ValidationError('table', `is required with --dataset; tables: ${dataset.tables.map((t) => t.name).join(', ')}`);
  const table = datasetTable(dataset, params.table).name;
  const seed = resolveSeed(params.seed);
  const count = rowsGiven ? params.rows : restOf(datasetTableRows(dataset, table, seed), params.offset);
  const rows = createDatasetRowStream({ dataset, table, seed, offset: params.offset, rows: count, format, header: params.header, signal });
  return { rows, table, count: count ?? 0, params: { ...params, rows: count ?? 0 }, seed };
}

const FORMATS: readonly StreamFormat[] = ['csv', 'ndjson', 'sql', 'parquet'];

function formatOf(opts: GenerateOptions): StreamFormat {
  const format = FORMATS.find((f) => f === opts.format);
  if (!format) throw new ValidationError('format', `must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(opts.format)}`);
  return format;
}

/**
 * Rows written so far, given the bytes seen: CSV and NDJSON end every row with a newline (the
 * exact count); SQL values and Parquet pages hold newlines of their own, so those read the
 * stream's own row counter.
 */
function rowCounter(format: string, rows: Readable, header: boolean): (chunk: Buffer) => number {
  const counted = (rows as Readable & { counts?: { rows: number } }).counts;
  if ((format === 'sql' || format === 'parquet') && counted) return () => counted.rows;
  let lines = header ? -1 : 0;
  return (chunk) => {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    return Math.max(lines, 0);
  };
}

/** `--dataset`: a spec file when it looks like a path, else a catalog dataset name. */
export async function datasetArg(raw: string): Promise<DatasetSpec> {
  const isFile = raw.endsWith('.json') || raw.includes('/');
  return resolveDataset(isFile ? await jsonFile(raw, 'dataset') : raw, 'dataset');
}

/** The rows left in a dataset table from `offset` (undefined past the end: the stream then refuses the offset). */
function restOf(total: number, offset: number): number | undefined {
  const rest = total - offset;
  if (rest > maxRows()) throw new ValidationError('rows', `the table has ${rest} rows from offset ${offset}; ask for at most MAX_ROWS (${maxRows()}) at a time`);
  return rest < 0 ? undefined : rest;
}

/** Counts bytes and rows as they pass, hashing them, feeding the progress display. */
function meter(hash: ReturnType<typeof createHash>, progress: Progress | undefined, total: number, rowsAfter: (chunk: Buffer) => number) {
  let bytes = 0;
  const transform = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      const rows = rowsAfter(chunk);
      progress?.update({ rows: Math.min(rows, total), bytes, total });
      cb(null, chunk);
    },
  });
  return { transform, progress, bytes: () => bytes };
}
