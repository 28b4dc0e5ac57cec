/**
 * The loops the generator bench compares: the library's row stream drained in-process, and the
 * naive faker loop making the same users columns. Shared by the bench (the wall-clock baseline
 * of the HTTP lines) and its CPU child process (the in-process lines).
 */
import { faker } from '@faker-js/faker';
import { createRowStream, type StreamFormat } from '@rowflow/generator';
import { findTable } from '@rowflow/schema';

export interface Throughput {
  rowsPerSec: number;
  mbPerSec: number;
}

/**
 * Seconds of this process's CPU time (one thread = one core). On a shared box CPU time is far
 * steadier than wall time; both the library and the faker baseline are measured the same way.
 */
export function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

/** Drains the library stream. */
export async function libThroughput(table: string, format: StreamFormat, rows: number): Promise<Throughput> {
  const start = process.cpuUsage();
  let bytes = 0;
  for await (const chunk of createRowStream({ spec: findTable(table), seed: 1, rows, format })) bytes += (chunk as Buffer).length;
  const sec = cpuSeconds(start);
  return { rowsPerSec: rows / sec, mbPerSec: bytes / sec / 1e6 };
}

/** Best of `rounds` (the least disturbed run), rounds interleaved between contenders by the caller. */
export function best(runs: Throughput[]): Throughput {
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
export function naiveFakerUsers(rows: number, clock: 'cpu' | 'wall' = 'cpu', format: StreamFormat = 'csv'): Throughput {
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
