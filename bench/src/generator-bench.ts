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

/** Drains the library stream; CPU time of this process (one core) is the denominator. */
async function libThroughput(table: string, format: StreamFormat, rows: number): Promise<Throughput> {
  const start = process.cpuUsage();
  const t0 = performance.now();
  let bytes = 0;
  for await (const chunk of createRowStream({ spec: findTable(table), seed: 1, rows, format })) bytes += (chunk as Buffer).length;
  const wallSec = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(start);
  // Use the larger of wall and CPU time: never flatter than what a client would see.
  const sec = Math.max(wallSec, (cpu.user + cpu.system) / 1e6);
  return { rowsPerSec: rows / sec, mbPerSec: bytes / sec / 1e6 };
}

function csv(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The obvious implementation: faker calls per row for the same 14 users columns, CSV-joined. */
function naiveFakerUsers(rows: number): Throughput {
  faker.seed(1);
  faker.setDefaultRefDate('2026-01-01T00:00:00Z');
  const t0 = performance.now();
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
  const sec = (performance.now() - t0) / 1000;
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
  h.log(`generator: naive faker loop, ${rows / 10} rows`);
  const naive = naiveFakerUsers(rows / 10);
  h.log(`generator: users CSV/NDJSON, ${rows} rows each`);
  const usersCsv = await libThroughput('users', 'csv', rows);
  const usersNdjson = await libThroughput('users', 'ndjson', rows);
  const pgbench = await libThroughput('pgbench_accounts', 'csv', rows * 3);
  h.log(`generator: peak RSS, 100k vs ${bigRows} users rows (child processes)`);
  const rssSmall = await peakRss(100_000);
  const rssBig = await peakRss(bigRows);
  const baseline = 'naive faker loop, same columns, same run';
  return [
    { name: 'generator: naive faker users CSV (baseline)', value: naive.rowsPerSec, unit: 'rows/s', note: `${naive.mbPerSec.toFixed(1)} MB/s` },
    { name: 'generator: users CSV', value: usersCsv.rowsPerSec, unit: 'rows/s', ratio: usersCsv.rowsPerSec / naive.rowsPerSec, baseline, target: '>= 10x', note: `${usersCsv.mbPerSec.toFixed(1)} MB/s` },
    { name: 'generator: users NDJSON', value: usersNdjson.rowsPerSec, unit: 'rows/s', ratio: usersNdjson.rowsPerSec / naive.rowsPerSec, baseline, target: '>= 10x', note: `${usersNdjson.mbPerSec.toFixed(1)} MB/s` },
    { name: 'generator: pgbench_accounts CSV', value: pgbench.rowsPerSec, unit: 'rows/s', note: `${pgbench.mbPerSec.toFixed(1)} MB/s` },
    { name: `generator: peak RSS ${bigRows.toLocaleString('en-US')} vs 100k users rows`, value: rssBig, unit: 'MB', ratio: rssBig / rssSmall, baseline: `100k rows: ${rssSmall.toFixed(0)} MB`, target: '<= 1.15' },
  ];
}
