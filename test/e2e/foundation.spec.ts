import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { freePort } from '@rowflow/devdb';
import { configureApp } from '@rowflow/platform-nest';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AppModule as GeneratorModule } from '../../apps/generator/src/app.module.js';
import { loadGeneratorConfig } from '../../apps/generator/src/config/generator-config.js';
import { AppModule as OrchestratorModule } from '../../apps/orchestrator/src/app.module.js';
import { loadOrchestratorConfig } from '../../apps/orchestrator/src/config/orchestrator-config.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

async function boot(module: unknown): Promise<INestApplication> {
  const ref = await Test.createTestingModule({ imports: [module as never] }).compile();
  const app = ref.createNestApplication({ logger: false });
  configureApp(app, { title: 't', description: 't' });
  await app.init();
  return app;
}

describe('generator app shell', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await boot(GeneratorModule.register(loadGeneratorConfig({})));
  });
  afterAll(() => app?.close());

  it('answers /health', async () => {
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    expect(res.body.status).toBe('ok');
  });

  it('serves OpenAPI at /api/docs/json', async () => {
    const res = await request(app.getHttpServer()).get('/api/docs/json').expect(200);
    expect(Object.keys(res.body.paths)).toContain('/health');
  });

  it('answers unknown routes with the error shape and no stack', async () => {
    const res = await request(app.getHttpServer()).get('/nope').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(typeof res.body.message).toBe('string');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('orchestrator app shell', () => {
  it('reports the database up on /health', async () => {
    const app = await boot(OrchestratorModule.register(loadOrchestratorConfig({ DATABASE_URL: inject('databaseUrl') })));
    try {
      const res = await request(app.getHttpServer()).get('/health').expect(200);
      expect(res.body).toMatchObject({ status: 'ok', database: 'up' });
    } finally {
      await app.close();
    }
  });

  it('says on /health whether the job row threads are warm yet, without holding back its 200', async () => {
    const health = async (app: INestApplication): Promise<unknown> => (await request(app.getHttpServer()).get('/health').expect(200)).body.rowThreads;
    const app = await boot(OrchestratorModule.register(loadOrchestratorConfig({ DATABASE_URL: inject('databaseUrl') })));
    try {
      expect(['warming', 'warm']).toContain(await health(app));
      await expect.poll(() => health(app), { timeout: 60_000 }).toBe('warm');
    } finally {
      await app.close();
    }
    const unthreaded = await boot(OrchestratorModule.register(loadOrchestratorConfig({ DATABASE_URL: inject('databaseUrl'), JOB_ROW_THREADS: '0' })));
    try {
      expect(await health(unthreaded)).toBe('off');
    } finally {
      await unthreaded.close();
    }
  });

  it('reports the database down with 503 when Postgres is unreachable', async () => {
    const dead = `postgres://postgres:x@127.0.0.1:${await freePort()}/postgres`;
    const app = await boot(OrchestratorModule.register(loadOrchestratorConfig({ DATABASE_URL: dead })));
    try {
      const res = await request(app.getHttpServer()).get('/health').expect(503);
      expect(res.body).toMatchObject({ status: 'degraded', database: 'down' });
    } finally {
      await app.close();
    }
  });
});

function run(entry: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [resolve(ROOT, entry)], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Only a safety net against a hung child: a busy machine may take long just to load it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      ok({ code, stderr });
    });
  });
}

describe('boot-time config validation (built processes)', () => {
  it('orchestrator refuses PORT=abc and names every bad key', { timeout: 120_000 }, async () => {
    const { code, stderr } = await run('apps/orchestrator/dist/main.js', { PORT: 'abc', MAX_ROWS: '-5', DATABASE_URL: 'x' });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT must be an integer');
    expect(stderr).toContain('MAX_ROWS');
    expect(stderr).toContain('DATABASE_URL');
  });

  it('generator refuses PORT=abc', { timeout: 120_000 }, async () => {
    const { code, stderr } = await run('apps/generator/dist/main.js', { PORT: 'abc' });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT must be an integer, got "abc"');
  });

  it('launcher refuses PORT=abc before starting anything', { timeout: 120_000 }, async () => {
    const { code, stderr } = await run('tools/launcher/dist/main.js', { PORT: 'abc', DATABASE_URL: '' });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT');
  });
});

/** True if a postgres server process was started with a data dir under `dir`. */
function postgresRunningIn(dir: string): boolean {
  const res = spawnSync('pgrep', ['-f', `postgres -D ${dir}`]);
  return res.status === 0;
}

describe('npm start launcher', () => {
  it('starts embedded Postgres and both apps, and Ctrl-C stops all of it', { timeout: 360_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rowflow-launch-'));
    await chmod(dataDir, 0o755);
    const [port, genPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [resolve(ROOT, 'tools/launcher/dist/main.js')], {
      env: { ...process.env, DATABASE_URL: '', PORT: String(port), GENERATOR_PORT: String(genPort), EMBEDDED_PG_PORT: String(await freePort()), ROWFLOW_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so the SIGINT below reaches every process a terminal's Ctrl-C would.
      detached: true,
    });
    try {
      await new Promise<void>((ok, fail) => {
        let out = '';
        // initdb plus two app starts: generous, a busy machine is slow at all three.
        const timer = setTimeout(() => fail(new Error(`launcher not ready:\n${out}`)), 240_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('Ctrl-C stops everything')) {
            clearTimeout(timer);
            ok();
          }
        });
        child.on('exit', () => fail(new Error(`launcher exited early:\n${out}`)));
      });
      const orch = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
      expect(orch).toMatchObject({ database: 'up' });
      expect((await fetch(`http://127.0.0.1:${genPort}/health`)).status).toBe(200);
      const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
      expect(postgresRunningIn(dataDir)).toBe(true);
      process.kill(-child.pid!, 'SIGINT');
      expect(await exited).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
      await expect(fetch(`http://127.0.0.1:${genPort}/health`)).rejects.toThrow();
      expect(postgresRunningIn(dataDir)).toBe(false);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
