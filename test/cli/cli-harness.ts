import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = resolve(ROOT, 'apps/cli/dist/main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** Spawns the built CLI (`node apps/cli/dist/main.js …`) as a real subprocess. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((ok) => child.once('close', (code, signal) => ok({ code, signal, stdout, stderr })));
  return { child, done };
}

export function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, env).done;
}

/** SIGKILL a CLI process and wait until it is gone (no-op if it already ended). */
export async function killCli(p: CliProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<CliResult> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  return p.done;
}

export async function fileSha(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** sha256 of `COPY (query) TO STDOUT (FORMAT csv[, HEADER])`: what one plain COPY would write. */
export async function copySha(pool: pg.Pool, query: string, header = true): Promise<string> {
  const c = await pool.connect();
  try {
    const hash = createHash('sha256');
    for await (const chunk of c.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT csv${header ? ', HEADER' : ''})`))) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } finally {
    c.release();
  }
}

/** Polls `check` until it returns a value (generous deadline; outcome-based, never a fixed sleep). */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
