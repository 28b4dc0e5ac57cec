/**
 * Generator throughput and memory (issue 3). Figures are ratios against a naive faker loop run
 * in the same process (the machine is shared and noisy), plus peak RSS per stream size measured
 * in a child process each.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { faker } from '@faker-js/faker';
import { createRowStream, type StreamFormat } from '@rowflow/generator';
import { findTable } from '@rowflow/schema';
import type { BenchResult, Harness } from './harness.js';

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

/** The obvious implementation: faker calls per row for the same 14 users columns, CSV-joined. */
function naiveFakerUsers(rows: number): Throughput {
  faker.seed(1);
  faker.setDefaultRefDate('2026-01-01T00:00:00Z');
  const start = process.cpuUsage();
  let bytes = 0;
  let batch = '';
  for (let i = 0; i < rows; i++) {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const line = [
      String(i + 1),
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
      String(faker.datatype.boolean()),
      faker.date.past({ years: 5 }).toISOString(),
    ]
      .map(csv)
      .join(',');
    batch += `${line}\n`;
    if (batch.length > 65_536) {
      bytes += Buffer.byteLength(batch);
      batch = '';
    }
  }
  bytes += Buffer.byteLength(batch);
  const sec = cpuSeconds(start);
  return { rowsPerSec: rows / sec, mbPerSec: bytes / sec / 1e6 };
}

async function peakRss(rows: number): Promise<number> {
  const child = resolve(import.meta.dirname, 'generator-rss-child.js');
  const { stdout } = await promisify(execFile)(process.execPath, [child, 'users', String(rows), 'csv'], { maxBuffer: 1 << 16 });
  return (JSON.parse(stdout) as { maxRssMb: number }).maxRssMb;
}

export async function run(h: Harness): Promise<BenchResult[]> {
  const rows = h.quick ? 100_000 : 1_000_000;
  const bigRows = h.quick ? 1_000_000 : 10_000_000;
  const runs: Record<'naive' | 'csv' | 'ndjson' | 'pgbench', Throughput[]> = { naive: [], csv: [], ndjson: [], pgbench: [] };
  for (let round = 1; round <= 3; round++) {
    h.log(`generator: round ${round}/3 — naive faker ${rows / 10} rows, users CSV/NDJSON ${rows} rows, pgbench_accounts ${rows * 3} rows`);
    runs.naive.push(naiveFakerUsers(rows / 10));
    runs.csv.push(await libThroughput('users', 'csv', rows));
    runs.ndjson.push(await libThroughput('users', 'ndjson', rows));
    runs.pgbench.push(await libThroughput('pgbench_accounts', 'csv', rows * 3));
  }
  const [naive, usersCsv, usersNdjson, pgbench] = [best(runs.naive), best(runs.csv), best(runs.ndjson), best(runs.pgbench)];
  h.log(`generator: peak RSS, 100k / 1M / ${bigRows} users rows (one child process each)`);
  const rssSmall = await peakRss(100_000);
  const rssMid = await peakRss(1_000_000);
  const rssBig = await peakRss(bigRows);
  const baseline = 'naive faker loop, same columns, same run';
  const cpuNote = 'CPU time, best of 3';
  return [
    { name: 'generator: naive faker users CSV (baseline)', value: naive.rowsPerSec, unit: 'rows/s', note: `${naive.mbPerSec.toFixed(1)} MB/s; ${cpuNote}` },
    { name: 'generator: users CSV', value: usersCsv.rowsPerSec, unit: 'rows/s', ratio: usersCsv.rowsPerSec / naive.rowsPerSec, baseline, target: '>= 10x', note: `${usersCsv.mbPerSec.toFixed(1)} MB/s; ${cpuNote}` },
    { name: 'generator: users NDJSON', value: usersNdjson.rowsPerSec, unit: 'rows/s', ratio: usersNdjson.rowsPerSec / naive.rowsPerSec, baseline, target: '>= 10x', note: `${usersNdjson.mbPerSec.toFixed(1)} MB/s; ${cpuNote}` },
    { name: 'generator: pgbench_accounts CSV', value: pgbench.rowsPerSec, unit: 'rows/s', note: `${pgbench.mbPerSec.toFixed(1)} MB/s; ${cpuNote}` },
    { name: `generator: peak RSS ${bigRows.toLocaleString('en-US')} vs 100k users rows`, value: rssBig, unit: 'MB', ratio: rssBig / rssSmall, baseline: `100k rows: ${rssSmall.toFixed(0)} MB`, target: '<= 1.15' },
    { name: `generator: peak RSS ${bigRows.toLocaleString('en-US')} vs 1M users rows`, value: rssBig, unit: 'MB', ratio: rssBig / rssMid, baseline: `1M rows: ${rssMid.toFixed(0)} MB`, note: 'after V8 heap warm-up' },
  ];
}
