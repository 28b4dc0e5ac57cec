import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { freePort, portIsFree } from '@rowflow/devdb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../support/index.js';

/**
 * `npm start` with its ports already taken — here by a server answering `/health` 200, as another
 * Rowflow would: the launcher must refuse before starting anything instead of announcing "ready"
 * for apps that never bound (their health checks would reach the other instance).
 */
const LAUNCHER = resolve(import.meta.dirname, '..', '..', 'tools/launcher/dist/main.js');

let db: { url: string; drop: () => Promise<void> };
let squatter: http.Server;
let taken: number;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  squatter = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
  await new Promise<void>((ok) => squatter.listen(0, '127.0.0.1', ok));
  taken = (squatter.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((ok) => squatter?.close(ok));
  await db?.drop();
});

function launch(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [LAUNCHER], { env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((ok) => child.once('close', (code) => ok({ code, stdout, stderr })));
}

describe('launcher: its ports are checked before anything starts', () => {
  it.each([
    ['PORT (the orchestrator)', 'PORT', 'GENERATOR_PORT'],
    ['GENERATOR_PORT (the generator)', 'GENERATOR_PORT', 'PORT'],
  ])('%s held by another server: a clear error naming it, exit 1, no banner, nothing left running', { timeout: 60_000 }, async (_what, heldKey, freeKey) => {
    const free = await freePort();
    const res = await launch({ [heldKey]: String(taken), [freeKey]: String(free) });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`port in use: ${heldKey}=${taken}`);
    expect(res.stdout).not.toContain('web page');
    expect(res.stdout).not.toContain('Ctrl-C stops everything');
    // The other app was not started either: its port is still free.
    expect(await portIsFree(free)).toBe(true);
  });

  it('the same port for both apps is refused the same way', { timeout: 60_000 }, async () => {
    const p = String(await freePort());
    const res = await launch({ PORT: p, GENERATOR_PORT: p });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`PORT and GENERATOR_PORT are both ${p}`);
    expect(res.stdout).not.toContain('web page');
  });
});
