import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '@rowflow/devdb';

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface Proc {
  child: ChildProcess;
  url: string;
  output: () => string;
}

async function waitHealthy(url: string, child: ChildProcess, out: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`process exited early:\n${out()}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} not healthy:\n${out()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Spawns a built app (`apps/<name>/dist/main.js`) on a free port (or the given one, e.g. to
 * restart a killed generator where its clients expect it) and waits for /health.
 */
export async function spawnApp(name: 'generator' | 'orchestrator', env: NodeJS.ProcessEnv, port?: number): Promise<Proc> {
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [resolve(ROOT, `apps/${name}/dist/main.js`)], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  try {
    await waitHealthy(url, child, () => out);
  } catch (err) {
    child.kill('SIGKILL'); // never healthy: the caller gets no Proc to stop it with
    throw err;
  }
  return { child, url, output: () => out };
}

/** SIGKILL (kill -9) and wait until the process is gone. */
export function kill9(p: Proc): Promise<void> {
  return new Promise((done) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return done();
    p.child.once('exit', () => done());
    p.child.kill('SIGKILL');
  });
}

/** SIGTERM, escalating to SIGKILL after 10 s. */
export function stop(p: Proc | undefined): Promise<void> {
  return new Promise((done) => {
    if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return done();
    p.child.once('exit', () => done());
    p.child.kill('SIGTERM');
    setTimeout(() => p.child.kill('SIGKILL'), 10_000).unref();
  });
}

/** The port a Proc listens on (from its URL). */
export function portOf(p: Proc): number {
  return Number(new URL(p.url).port);
}
