import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureApp } from '@rowflow/platform-nest';
import pg from 'pg';
import { AppModule as GeneratorModule } from '../../apps/generator/src/app.module.js';
import { loadGeneratorConfig } from '../../apps/generator/src/config/generator-config.js';
import { AppModule as OrchestratorModule } from '../../apps/orchestrator/src/app.module.js';
import { loadOrchestratorConfig } from '../../apps/orchestrator/src/config/orchestrator-config.js';
import { copyReference } from '../support/spec-reference.js';

/** Boots a Nest module in-process on a random port (listen(0)) and returns its base URL. */
export async function bootApp(module: unknown): Promise<{ app: INestApplication; url: string }> {
  const ref = await Test.createTestingModule({ imports: [module as never] }).compile();
  const app = ref.createNestApplication({ logger: false });
  configureApp(app, { title: 't', description: 't' });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}

/** A real generator app on a random port. */
export function bootGenerator(): Promise<{ app: INestApplication; url: string }> {
  return bootApp(GeneratorModule.register(loadGeneratorConfig({ LOG_LEVEL: 'warn' })));
}

/** A real orchestrator app wired to the given Postgres and generator. */
export function bootOrchestrator(databaseUrl: string, generatorUrl: string, env: NodeJS.ProcessEnv = {}): Promise<{ app: INestApplication; url: string }> {
  return bootApp(OrchestratorModule.register(loadOrchestratorConfig({ DATABASE_URL: databaseUrl, GENERATOR_URL: generatorUrl, LOG_LEVEL: 'warn', ...env })));
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** Polls GET /api/jobs/:id until the job reaches one of `states`. */
export async function waitForState(base: string, id: string, states: string[], timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await (await fetch(`${base}/api/jobs/${id}`)).json();
    if (states.includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state}: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ordered md5 over every row's text form: equal iff the tables hold the same rows. */
export async function tableMd5(pool: pg.Pool, table: string, orderBy: string): Promise<{ n: number; md5: string | null }> {
  const res = await pool.query(`SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY ${orderBy})) AS md5 FROM "${table}" t`);
  return res.rows[0];
}

/** Loads the generator's own CSV for (table, rows, seed) with one plain COPY: the reference. */
export function loadReference(pool: pg.Pool, generatorUrl: string, like: string, table: string, rows: number, seed: number): Promise<string> {
  return copyReference(pool, like, () => fetch(`${generatorUrl}/api/generator/stream/csv?table=${table}&rows=${rows}&seed=${seed}&header=false`));
}

/** Reads an SSE stream until it ends (or `max` events); returns the parsed events. */
export function readSse(url: string, headers: Record<string, string> = {}, max = Infinity): Promise<Array<{ event: string; id: string; data: any }>> {
  return new Promise((resolve, reject) => {
    const events: Array<{ event: string; id: string; data: any }> = [];
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE status ${res.statusCode}`));
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = { event: 'message', id: '', data: '' as any };
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('id: ')) ev.id = line.slice(4);
            else if (line.startsWith('data: ')) ev.data += line.slice(6);
          }
          if (!ev.data) continue;
          ev.data = JSON.parse(ev.data);
          events.push(ev);
          if (events.length >= max) {
            req.destroy();
            resolve(events);
          }
        }
      });
      res.on('end', () => resolve(events));
      res.on('error', () => resolve(events));
    });
    req.on('error', reject);
  });
}
