/**
 * What building keys after the load buys: the same `users` job (PK + 2 unique) in `create` mode
 * — columns first, then the `building indexes` phase — against `append` into a table created
 * beforehand with the same keys inline (how `create` worked before: every B-tree maintained row
 * by row). Same server, same stack, same rows and seed, alternating runs; and a dataset job of
 * the catalog `shop` dataset for scale. `npm run bench -- constraints` (BENCH_QUICK=1: 200k rows).
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { BenchResult, Harness, Stack } from './harness.js';

const USERS_DDL = (t: string) =>
  `CREATE TABLE "${t}" (id bigint PRIMARY KEY, first_name text, last_name text, email text NOT NULL UNIQUE, username text NOT NULL UNIQUE, phone text,
   street_address text, city text, country text, company text, job_title text, birth_date date, is_active boolean, created_at timestamptz)`;

/** POSTs a job and polls it to completion; wall seconds from the POST, and the seconds spent in `building indexes`. */
async function runJob(stack: Stack, body: Record<string, unknown>): Promise<{ total: number; phase: number }> {
  const t0 = performance.now();
  const res = await fetch(`${stack.orchestratorUrl}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const created = (await res.json()) as { id: string; message?: string };
  if (res.status !== 202) throw new Error(`POST /api/jobs → ${res.status}: ${created.message}`);
  let phaseStart: number | undefined;
  for (;;) {
    const job = (await (await fetch(`${stack.orchestratorUrl}/api/jobs/${created.id}`)).json()) as { state: string; phase: string; error: string | null };
    if (job.phase === 'building indexes') phaseStart ??= performance.now();
    const now = performance.now();
    if (job.state === 'completed') return { total: (now - t0) / 1000, phase: phaseStart === undefined ? 0 : (now - phaseStart) / 1000 };
    if (job.state === 'failed' || job.state === 'cancelled') throw new Error(`job ${created.id} ${job.state}: ${job.error}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function run(h: Harness): Promise<BenchResult[]> {
  const rows = h.quick ? 200_000 : 1_000_000;
  const server = await h.postgres();
  const admin = new pg.Pool({ connectionString: server.url, max: 1 });
  await admin.query('CREATE DATABASE bench_constraints');
  const url = new URL(server.url);
  url.pathname = '/bench_constraints';
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  const stack = await h.startStack(url.toString(), { MAX_ROWS: '100000000' });
  try {
    const deferred: number[] = [];
    const inline: number[] = [];
    const phases: number[] = [];
    for (let i = 0; i < 2; i++) {
      const d = await runJob(stack, { table: 'users', rows, seed: 1, targetTable: `users_deferred_${i}` });
      deferred.push(d.total);
      phases.push(d.phase);
      await pool.query(USERS_DDL(`users_inline_${i}`));
      inline.push((await runJob(stack, { table: 'users', rows, seed: 1, targetTable: `users_inline_${i}`, mode: 'append' })).total);
    }
    const shop = await runJob(stack, { dataset: 'shop', seed: 1, partitions: 2, targetPrefix: 'shop_' });
    const best = deferred.indexOf(Math.min(...deferred));
    const [d, p, n] = [deferred[best]!, phases[best]!, Math.min(...inline)];
    h.log(`constraints: ${rows} users create (deferred keys) ${deferred.map((s) => s.toFixed(2)).join(', ')} s (phase ${phases.map((s) => s.toFixed(2)).join(', ')} s); append into inline keys ${inline.map((s) => s.toFixed(2)).join(', ')} s`);
    const label = `${rows / 1e6}M users`;
    return [
      { name: `constraints: ${label} into a table with PK + 2 unique inline (baseline)`, value: rows / n, unit: 'rows/s', note: `${n.toFixed(2)} s (best of 2)` },
      { name: `constraints: ${label}, create, keys built after the load`, value: rows / d, unit: 'rows/s', ratio: n / d, baseline: 'same job, keys inline', target: '> 1', note: `${d.toFixed(2)} s, of which building indexes ${p.toFixed(2)} s (best of 2)` },
      { name: 'constraints: catalog dataset shop (4 tables, 3 FKs), create', value: shop.total, unit: 's', note: `building indexes + foreign keys ${shop.phase.toFixed(2)} s` },
    ];
  } finally {
    await stack.stop();
    await pool.end();
    await admin.query('DROP DATABASE IF EXISTS bench_constraints WITH (FORCE)').catch(() => undefined);
    await admin.end();
  }
}
