import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, spawnPostgres } from '@rowflow/devdb';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Least privilege on the embedded server `npm start` runs: the apps get a role that is not a
 * superuser, and the launcher's quick tour works again on the kept data directory.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');
let base: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'rowflow-devdb-'));
  await chmod(base, 0o755); // initdb runs as the postgres OS user when we are root
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function query<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

describe('embedded dev PostgreSQL', () => {
  it('hands out a non-superuser role owning its own database, on the port asked for, again after a restart', { timeout: 360_000 }, async () => {
    const dataDir = join(base, 'pg');
    const port = await freePort();
    const first = await spawnPostgres({ dataDir, port });
    try {
      expect(first.url).toBe(`postgres://rowflow:rowflow@127.0.0.1:${port}/rowflow`);
      const [me] = await query(first.url, `SELECT current_user AS role, current_database() AS db, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = current_user`);
      expect(me).toEqual({ role: 'rowflow', db: 'rowflow', rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolbypassrls: false });
      await query(first.url, `CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)`);
      // Once the apps have made their schema "rowflow" (the role's own name), a table a user
      // creates through the printed URL still lands in public, where jobs and exports look.
      await query(first.url, `CREATE SCHEMA IF NOT EXISTS rowflow; CREATE TABLE users_own (id int)`);
      expect(await query(first.url, `SELECT relnamespace::regnamespace::text AS schema FROM pg_class WHERE relname = 'users_own'`)).toEqual([{ schema: 'public' }]);
      await expect(query(first.url, `SELECT count(*) FROM pg_authid`)).rejects.toThrow(/permission denied/);
      await expect(query(first.url, `CREATE DATABASE other`)).rejects.toThrow(/permission denied/);
      await expect(query(first.url, `CREATE ROLE intruder SUPERUSER`)).rejects.toThrow(/permission denied/);
    } finally {
      await first.stop();
    }
    // The superuser's password is random and kept private to the owner of the data directory.
    expect((await stat(`${dataDir}.superuser-password`)).mode & 0o077).toBe(0);
    const again = await spawnPostgres({ dataDir, port });
    try {
      expect(again.url).toBe(first.url);
      expect(await query(again.url, `SELECT id FROM kept`)).toEqual([{ id: 42 }]);
    } finally {
      await again.stop();
    }
  });
});

interface Launched {
  child: ChildProcess;
  out: () => string;
}

function launch(env: NodeJS.ProcessEnv): Promise<Launched> {
  const child = spawn(process.execPath, [resolve(ROOT, 'tools/launcher/dist/main.js')], {
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, stopped as a terminal's Ctrl-C would
  });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((ok, fail) => {
    // initdb plus two app starts: generous, a busy machine is slow at all three.
    const timer = setTimeout(() => fail(new Error(`launcher not ready:\n${out}`)), 240_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ctrl-C stops everything')) {
        clearTimeout(timer);
        ok({ child, out: () => out });
      }
    });
    child.once('exit', () => fail(new Error(`launcher exited early:\n${out}`)));
  });
}

function stop(l: Launched): Promise<void> {
  return new Promise((done) => {
    if (l.child.exitCode !== null) return done();
    l.child.once('exit', () => done());
    process.kill(-l.child.pid!, 'SIGINT');
  });
}

async function tourJob(port: number): Promise<{ status: number; state?: string }> {
  // The README's tour job line, with fewer rows to keep the test short.
  const res = await fetch(`http://127.0.0.1:${port}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ table: 'pgbench_accounts', rows: 20_000, partitions: 4, chunkSize: 'auto', mode: 'replace' }),
  });
  const body = (await res.json()) as { id: string };
  if (res.status !== 202) return { status: res.status };
  for (const deadline = Date.now() + 240_000; Date.now() < deadline; ) {
    const job = (await (await fetch(`http://127.0.0.1:${port}/api/jobs/${body.id}`)).json()) as { state: string };
    if (['completed', 'failed', 'cancelled'].includes(job.state)) return { status: 202, state: job.state };
    await new Promise((r) => setTimeout(r, 100));
  }
  return { status: 202, state: 'timeout' };
}

describe('npm start on a kept data directory', () => {
  it('prints a psql URL of a non-superuser role, and the quick tour job works on the second start too', { timeout: 900_000 }, async () => {
    const dataDir = join(base, 'launch');
    const env = { PORT: String(await freePort()), GENERATOR_PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), ROWFLOW_DATA_DIR: dataDir };
    for (const round of [1, 2]) {
      const l = await launch(env);
      try {
        const url = /psql (postgres:\/\/\S+)/.exec(l.out())?.[1];
        expect(url, l.out()).toBe(`postgres://rowflow:rowflow@127.0.0.1:${env.EMBEDDED_PG_PORT}/rowflow`);
        expect(await query(url!, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`)).toEqual([{ rolsuper: false }]);
        expect(await tourJob(Number(env.PORT)), `round ${round}`).toEqual({ status: 202, state: 'completed' });
        expect(await query(url!, `SELECT count(*)::int AS n FROM public.pgbench_accounts`)).toEqual([{ n: 20_000 }]);
        expect(l.out()).not.toContain('superuser_connection');
      } finally {
        await stop(l);
      }
    }
  });
});
