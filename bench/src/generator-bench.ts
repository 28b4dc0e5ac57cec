/**
 * Generator throughput and memory. Figures are ratios against a naive faker loop run in the same
 * run (the machine is shared and noisy): the generator process read over HTTP (wall clock), the
 * library in-process (CPU time), the CSV encoder against csv-stringify on the same values, and
 * peak RSS per stream size measured in a child process each (started with the generator's flags).
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { faker } from '@faker-js/faker';
import { freePort, GENERATOR_NODE_FLAGS, stopProcess, waitHealthy } from '@rowflow/devdb';
import { ByteSink, type CompiledColumn, compileTable, createRowStream, csvByteEncoder, RowContext, type StreamFormat } from '@rowflow/generator';
import { findTable } from '@rowflow/schema';
import { type Options, stringify } from 'csv-stringify/sync';
import { type BenchResult, type Harness, startProcess } from './harness.js';
import { read } from './http-read.js';

interface Throughput {
  rowsPerSec: number;
  mbPerSec: number;
}

/**
 * Seconds of this process's CPU time (one thread = one core). On a shared box CPU time is far
 * steadier than wall time; both the library and the faker baseline are measured the same way.
 */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

/** Drains the library stream. */
async function libThroughput(table: string, format: StreamFormat, rows: number): Promise<Throughput> {
  const start = process.cpuUsage();
  let bytes = 0;
  for await (const chunk of createRowStream({ spec: findTable(table), seed: 1, rows, format })) bytes += (chunk as Buffer).length;
  const sec = cpuSeconds(start);
  return { rowsPerSec: rows / sec, mbPerSec: bytes / sec / 1e6 };
}

/** Best of `rounds` (the least disturbed run), rounds interleaved between contenders by the caller. */
function best(runs: Throughput[]): Throughput {
  return runs.reduce((a, b) => (b.rowsPerSec > a.rowsPerSec ? b : a));
}

function csv(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The users columns' names, in spec order: the naive NDJSON loop uses them as keys. */
const USERS_KEYS = findTable('users').columns.map((c) => c.name);

/** The obvious implementation: faker calls per row for the same 14 users values. */
function fakerUsersRow(i: number): Array<string | number | boolean> {
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  return [
    i + 1,
    firstName,
    lastName,
    faker.internet.email({ firstName, lastName }),
    faker.internet.username({ firstName, lastName }),
    faker.phone.number(),
    faker.location.streetAddress(),
    faker.location.city(),
    faker.location.country(),
    faker.company.name(),
    faker.person.jobTitle(),
    faker.date.birthdate().toISOString().slice(0, 10),
    faker.datatype.boolean(),
    faker.date.past({ years: 5 }).toISOString(),
  ];
}

/** One line as the obvious code writes it: CSV-joined, or JSON.stringify of an object keyed by column. */
function naiveLine(values: Array<string | number | boolean>, format: StreamFormat): string {
  if (format === 'csv') return values.map((v) => csv(String(v))).join(',');
  return JSON.stringify(Object.fromEntries(USERS_KEYS.map((k, i) => [k, values[i]])));
}

/** The naive faker loop making the same columns in the same format, batched like a stream would. */
function naiveFakerUsers(rows: number, clock: 'cpu' | 'wall' = 'cpu', format: StreamFormat = 'csv'): Throughput {
  faker.seed(1);
  faker.setDefaultRefDate('2026-01-01T00:00:00Z');
  const start = process.cpuUsage();
  const wall0 = performance.now();
  let bytes = 0;
  let batch = '';
  for (let i = 0; i < rows; i++) {
    batch += `${naiveLine(fakerUsersRow(i), format)}\n`;
    if (batch.length > 65_536) {
      bytes += Buffer.byteLength(batch);
      batch = '';
    }
  }
  bytes += Buffer.byteLength(batch);
  const sec = clock === 'cpu' ? cpuSeconds(start) : (performance.now() - wall0) / 1000;
  return { rowsPerSec: rows / sec, mbPerSec: bytes / sec / 1e6 };
}

/** The built generator process (with its production node flags) on a free port. */
async function startGenerator(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = startProcess('apps/generator/dist/main.js', { PORT: String(port) }, GENERATOR_NODE_FLAGS);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  return { url, stop: () => stopProcess(child) };
}

/** Wall clock of one HTTP stream read to its end, as the user sees it. */
async function httpThroughput(base: string, format: StreamFormat, rows: number): Promise<Throughput> {
  const r = await read(`${base}/api/generator/stream/${format}?table=users&rows=${rows}&seed=1`);
  const sec = r.ms / 1000;
  return { rowsPerSec: rows / sec, mbPerSec: r.bytes / sec / 1e6 };
}

/**
 * csv-stringify configured for the encoder's semantics (the property test in encode.spec.ts
 * proves byte equality on random values): NULL → empty unquoted, "" → `""`, quote when needed.
 */
const CSV_STRINGIFY_OPTIONS: Options = {
  record_delimiter: 'unix' as const,
  quoted_match: [/^\\\.$/, /\r/],
  cast: { boolean: (v: boolean) => String(v), string: (v: string) => (v === '' ? { value: '', quoted_empty: true } : v) },
};

/**
 * Encoding only: the same users values (generated once up front) encoded by Rowflow's CSV
 * encoder and by csv-stringify; the bytes must be identical before any time counts.
 */
function encoderVsCsvStringify(rows: number): { ours: number; theirs: number } {
  const spec = findTable('users');
  const columns = compileTable(spec, 1);
  const row = new RowContext(1, spec.name);
  const cells = Array.from({ length: rows }, (_, k) => (row.setRow(k), columns.map((c) => c.value(row))));
  const replay: CompiledColumn[] = columns.map((c, i) => ({ ...c, value: (r: RowContext) => cells[r.k]![i]! }));
  // The byte encoder the streams use, into one buffer (csv-stringify builds one string).
  const encode = csvByteEncoder(replay);
  const sink = new ByteSink();
  const oursOnce = (): Buffer => {
    sink.open(Buffer.allocUnsafe(rows * 256), 0);
    for (let k = 0; k < rows; k++) encode((row.setRow(k), row), sink);
    return sink.take();
  };
  if (!oursOnce().equals(Buffer.from(stringify(cells, CSV_STRINGIFY_OPTIONS), 'utf8'))) throw new Error('CSV encoder and csv-stringify disagree on users rows');
  const time = (fn: () => unknown): number => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t = process.cpuUsage();
      fn();
      best = Math.min(best, cpuSeconds(t));
    }
    return rows / best;
  };
  return { ours: time(oursOnce), theirs: time(() => stringify(cells, CSV_STRINGIFY_OPTIONS)) };
}

async function peakRss(rows: number): Promise<number> {
  const child = resolve(import.meta.dirname, 'generator-rss-child.js');
  const { stdout } = await promisify(execFile)(process.execPath, [...GENERATOR_NODE_FLAGS, child, 'users', String(rows), 'csv'], { maxBuffer: 1 << 16 });
  return (JSON.parse(stdout) as { maxRssMb: number }).maxRssMb;
}

async function overHttp(h: Harness, rows: number): Promise<BenchResult[]> {
  const gen = await startGenerator();
  const runs: Record<'naive' | 'naiveNdjson' | 'csv' | 'ndjson', Throughput[]> = { naive: [], naiveNdjson: [], csv: [], ndjson: [] };
  try {
    for (let round = 1; round <= 3; round++) {
      h.log(`generator over HTTP: round ${round}/3 — naive faker ${rows / 10} rows (wall), users CSV/NDJSON ${rows} rows over HTTP (wall)`);
      runs.naive.push(naiveFakerUsers(rows / 10, 'wall'));
      runs.naiveNdjson.push(naiveFakerUsers(rows / 10, 'wall', 'ndjson'));
      runs.csv.push(await httpThroughput(gen.url, 'csv', rows));
      runs.ndjson.push(await httpThroughput(gen.url, 'ndjson', rows));
    }
  } finally {
    await gen.stop();
  }
  const [naive, naiveNdjson, csv, ndjson] = [best(runs.naive), best(runs.naiveNdjson), best(runs.csv), best(runs.ndjson)];
  const baseline = 'naive faker loop (wall clock), same run';
  const note = (t: Throughput) => `${t.mbPerSec.toFixed(1)} MB/s; generator process over HTTP, wall clock, best of 3`;
  return [
    { name: 'generator: naive faker users CSV, wall clock (baseline)', value: naive.rowsPerSec, unit: 'rows/s', note: `${naive.mbPerSec.toFixed(1)} MB/s; best of 3` },
    { name: 'generator: users CSV over HTTP', value: csv.rowsPerSec, unit: 'rows/s', ratio: csv.rowsPerSec / naive.rowsPerSec, baseline, target: '>= 10x', note: note(csv) },
    { name: 'generator: naive faker users NDJSON, wall clock (baseline)', value: naiveNdjson.rowsPerSec, unit: 'rows/s', note: `${naiveNdjson.mbPerSec.toFixed(1)} MB/s; JSON.stringify per row; best of 3` },
    { name: 'generator: users NDJSON over HTTP', value: ndjson.rowsPerSec, unit: 'rows/s', ratio: ndjson.rowsPerSec / naiveNdjson.rowsPerSec, baseline: 'naive faker NDJSON loop (wall clock), same run', target: '>= 10x', note: `${note(ndjson)}; ${(ndjson.rowsPerSec / naive.rowsPerSec).toFixed(2)}× the naive CSV loop` },
  ];
}

function encoderLine(h: Harness, rows: number): BenchResult {
  h.log(`generator: CSV encoder vs csv-stringify on ${rows} users rows (identical bytes checked first)`);
  const { ours, theirs } = encoderVsCsvStringify(rows);
  return { name: 'generator: CSV encoder (encode only, users values)', value: ours, unit: 'rows/s', ratio: ours / theirs, baseline: `csv-stringify on the same rows (${Math.round(theirs).toLocaleString('en-US')} rows/s)`, note: 'identical bytes; CPU time, best of 3' };
}

export async function run(h: Harness): Promise<BenchResult[]> {
  const rows = h.quick ? 100_000 : 1_000_000;
  const bigRows = h.quick ? 1_000_000 : 10_000_000;
  const runs: Record<'naive' | 'naiveNdjson' | 'csv' | 'ndjson' | 'pgbench', Throughput[]> = { naive: [], naiveNdjson: [], csv: [], ndjson: [], pgbench: [] };
  for (let round = 1; round <= 3; round++) {
    h.log(`generator: round ${round}/3 — naive faker ${rows / 10} rows, users CSV/NDJSON ${rows} rows, pgbench_accounts ${rows * 3} rows`);
    runs.naive.push(naiveFakerUsers(rows / 10));
    runs.naiveNdjson.push(naiveFakerUsers(rows / 10, 'cpu', 'ndjson'));
    runs.csv.push(await libThroughput('users', 'csv', rows));
    runs.ndjson.push(await libThroughput('users', 'ndjson', rows));
    runs.pgbench.push(await libThroughput('pgbench_accounts', 'csv', rows * 3));
  }
  const [naive, naiveNdjson, usersCsv, usersNdjson, pgbench] = [best(runs.naive), best(runs.naiveNdjson), best(runs.csv), best(runs.ndjson), best(runs.pgbench)];
  h.log(`generator: peak RSS, 100k / 1M / ${bigRows} users rows (one child process each)`);
  const http = await overHttp(h, rows);
  const encoder = encoderLine(h, h.quick ? 20_000 : 100_000);
  const rssSmall = await peakRss(100_000);
  const rssMid = await peakRss(1_000_000);
  const rssBig = await peakRss(bigRows);
  const baseline = 'naive faker loop, same columns, same run';
  const cpuNote = 'CPU time, best of 3';
  return [
    ...http,
    encoder,
    { name: 'generator: naive faker users CSV, CPU (baseline)', value: naive.rowsPerSec, unit: 'rows/s', note: `${naive.mbPerSec.toFixed(1)} MB/s; ${cpuNote}` },
    { name: 'generator: users CSV in-process', value: usersCsv.rowsPerSec, unit: 'rows/s', ratio: usersCsv.rowsPerSec / naive.rowsPerSec, baseline, target: '>= 10x', note: `${usersCsv.mbPerSec.toFixed(1)} MB/s; ${cpuNote}` },
    { name: 'generator: naive faker users NDJSON, CPU (baseline)', value: naiveNdjson.rowsPerSec, unit: 'rows/s', note: `${naiveNdjson.mbPerSec.toFixed(1)} MB/s; ${cpuNote}` },
    { name: 'generator: users NDJSON in-process', value: usersNdjson.rowsPerSec, unit: 'rows/s', ratio: usersNdjson.rowsPerSec / naiveNdjson.rowsPerSec, baseline: 'naive faker NDJSON loop, same columns, same run', target: '>= 10x', note: `${usersNdjson.mbPerSec.toFixed(1)} MB/s; ${cpuNote}` },
    { name: 'generator: pgbench_accounts CSV', value: pgbench.rowsPerSec, unit: 'rows/s', note: `${pgbench.mbPerSec.toFixed(1)} MB/s; ${cpuNote}` },
    { name: `generator: peak RSS ${bigRows.toLocaleString('en-US')} vs 100k users rows`, value: rssBig, unit: 'MB', ratio: rssBig / rssSmall, baseline: `100k rows: ${rssSmall.toFixed(0)} MB`, target: '<= 1.15', note: `node ${GENERATOR_NODE_FLAGS.join(' ')}` },
    { name: `generator: peak RSS ${bigRows.toLocaleString('en-US')} vs 1M users rows`, value: rssBig, unit: 'MB', ratio: rssBig / rssMid, baseline: `1M rows: ${rssMid.toFixed(0)} MB`, note: 'after V8 heap warm-up' },
  ];
}
