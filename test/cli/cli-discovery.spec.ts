/**
 * The command line finds the stack `npm start` runs: the real launcher (embedded PostgreSQL,
 * both apps) on a temp data dir, the built CLI as a subprocess with no --server and no
 * DATABASE_URL. The launcher runs with LOG_FORMAT=json, so its banner is JSON lines too.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@rowflow/devdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli-harness.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
let dataDir: string;
let launcher: ReturnType<typeof spawn> | undefined;
let out = '';

const env = (extra: NodeJS.ProcessEnv = {}) => ({ ROWFLOW_DATA_DIR: dataDir, DATABASE_URL: '', ROWFLOW_API_TOKEN: '', ...extra });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'rowflow-discovery-'));
  await chmod(dataDir, 0o755);
});
afterAll(async () => {
  if (launcher && launcher.exitCode === null && launcher.signalCode === null) process.kill(-launcher.pid!, 'SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

async function startLauncher(): Promise<void> {
  const [port, genPort, pgPort] = [await freePort(), await freePort(), await freePort()];
  launcher = spawn(process.execPath, [resolve(ROOT, 'tools/launcher/dist/main.js')], {
    env: { ...process.env, ...env(), PORT: String(port), GENERATOR_PORT: String(genPort), EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the SIGINT below reaches every process, as a terminal's Ctrl-C does.
    detached: true,
  });
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`launcher not ready:\n${out}`)), 240_000);
    launcher!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ctrl-C stops everything')) {
        clearTimeout(timer);
        ok();
      }
    });
    launcher!.on('exit', () => fail(new Error(`launcher exited early:\n${out}`)));
  });
}

describe('the package bin', () => {
  it('is a runnable file npm links as `rowflow`, and runs the CLI', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const bin = join(ROOT, pkg.bin.rowflow!);
    expect((await readFile(bin, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect((await stat(bin)).mode & 0o111).not.toBe(0);
    const res = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain('Usage: rowflow');
    expect(res.stdout).toContain('psql');
  });
});

describe('discovery of the running stack', () => {
  it('without a stack, a command that needs a database says how to get one (exit 2)', async () => {
    const res = await cli(['jobs', 'list'], env());
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('npm start');
  });

  it('ignores a stack file whose launcher is gone', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(join(dataDir, 'stack.json'), JSON.stringify({ version: 1, pid: dead, startedAt: '', orchestratorUrl: 'http://127.0.0.1:1', generatorUrl: 'http://127.0.0.1:1', databaseUrl: 'postgres://x@127.0.0.1:1/x', embedded: true }));
    const res = await cli(['jobs', 'list'], env());
    expect(res.code).toBe(2);
    await rm(join(dataDir, 'stack.json'));
  });

  it('npm start writes stack.json, the CLI uses it, psql opens it, and Ctrl-C removes it', { timeout: 360_000 }, async () => {
    await startLauncher();
    // Every line of the launcher's stdout is JSON with LOG_FORMAT=json, its banner included.
    const lines = out.split('\n').filter((l) => l.trim() !== '');
    for (const l of lines) expect(() => JSON.parse(l), l).not.toThrow();

    const file = join(dataDir, 'stack.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stack = JSON.parse(await readFile(file, 'utf8'));
    expect(stack).toMatchObject({ version: 1, pid: launcher!.pid, embedded: true });
    expect(out).toContain(`psql ${stack.databaseUrl}`);

    const list = await cli(['jobs', 'list', '--json'], env());
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
    expect(list.stderr).toContain(`using the stack npm start is running (pid ${launcher!.pid}): ${stack.orchestratorUrl}`);

    const url = await cli(['db', 'url'], env());
    expect(url.stdout.trim()).toBe(stack.databaseUrl);

    const psql = await cli(['psql', '--', '-Atc', 'select 6 * 7'], env());
    expect(psql.code, psql.stderr).toBe(0);
    expect(psql.stdout.trim()).toBe('42');

    const noPsql = await cli(['psql', '--', '-c', 'select 1'], env({ PATH: dataDir }));
    expect(noPsql.code).toBe(1);
    expect(noPsql.stderr).toContain('apt-get install postgresql-client');

    const exited = new Promise<number | null>((done) => launcher!.on('exit', (code) => done(code)));
    process.kill(-launcher!.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    await expect(stat(file)).rejects.toThrow('ENOENT');
    expect((await cli(['jobs', 'list'], env())).code).toBe(2);
  });
});
