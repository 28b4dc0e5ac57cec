import http from 'node:http';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bootApp, bootOrchestrator, freshDatabase, parseSse, postJson, type SseMessage, useStack, waitForState } from '../support/index.js';
import { AppModule as GeneratorModule } from '../../apps/generator/src/app.module.js';
import { loadGeneratorConfig } from '../../apps/generator/src/config/generator-config.js';

/**
 * Progress feed sharing, the shared SSE writer on job events, metrics on both apps and the
 * memory budget — against real apps, a real generator and a real Postgres; outcomes only.
 */
const stack = useStack({ env: { SSE_HEARTBEAT_MS: '50', WORKER_CONCURRENCY: '2' } });

/** Reads a whole SSE body (until the server ends it), keeping comments. */
function readSseText(url: string): Promise<{ status: number; messages: SseMessage[] }> {
  return new Promise((ok, fail) => {
    http
      .get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => ok({ status: res.statusCode ?? 0, messages: parseSse(text) }));
        res.on('error', fail);
      })
      .on('error', fail);
  });
}

async function metric(base: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('job events: one shared feed, the shared SSE writer', () => {
  it('50 watchers of one job cost one status read per interval; all get the same terminal event, with heartbeats', async () => {
    const job = await postJson(`${stack.orch.url}/api/jobs`, { table: 'users', rows: 40_000, seed: 3, chunkSize: 500, targetTable: 'watched' });
    expect(job.status).toBe(202);
    const reads0 = await metric(stack.orch.url, 'rowflow_job_status_reads_total');
    const t0 = performance.now();
    const watchers = await Promise.all(Array.from({ length: 50 }, () => readSseText(`${stack.orch.url}/api/jobs/${job.body.id}/events`)));
    const elapsed = performance.now() - t0;
    const reads = (await metric(stack.orch.url, 'rowflow_job_status_reads_total')) - reads0;
    // Timers never fire early, so one shared 250 ms poll makes at most elapsed/250 + 1 reads;
    // one poll per watcher would make ~50 times that.
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThanOrEqual(Math.ceil(elapsed / 250) + 2);
    for (const w of watchers) {
      expect(w.status).toBe(200);
      const last = w.messages.at(-1)!;
      expect(last.event).toBe('completed');
      expect(last.id).toBe('40000');
      const ids = w.messages.filter((m) => m.id !== undefined).map((m) => Number(m.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b)); // ids only grow
    }
    // SSE_HEARTBEAT_MS=50 and the job ran for more than one interval: the writer's comments.
    expect(watchers.some((w) => w.messages.some((m) => m.comment === 'heartbeat'))).toBe(true);
    const final = await waitForState(stack.orch.url, job.body.id, ['completed']);
    expect(final.rowsWritten).toBe(40_000);
  });

  it('keeps event names, ids and Last-Event-ID after the end; unknown job → JSON 404', async () => {
    const job = await postJson(`${stack.orch.url}/api/jobs`, { table: 'orders', rows: 2000, seed: 5, targetTable: 'ended' });
    await waitForState(stack.orch.url, job.body.id, ['completed']);
    const late = await readSseText(`${stack.orch.url}/api/jobs/${job.body.id}/events`);
    expect(late.messages.filter((m) => m.event).map((m) => [m.event, m.id])).toEqual([['completed', '2000']]);
    expect(JSON.parse(late.messages.find((m) => m.event)!.data!)).toMatchObject({ id: job.body.id, state: 'completed', rowsWritten: 2000 });
    const missing = await fetch(`${stack.orch.url}/api/jobs/00000000-0000-0000-0000-000000000000/events`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ statusCode: 404 });
  });
});

describe('metrics on both apps', () => {
  it('generator /metrics: per-endpoint requests, rows and bytes per stream format', async () => {
    const body = await (await fetch(`${stack.gen.url}/api/generator/stream/csv?table=users&rows=1234&seed=9&header=false`)).arrayBuffer();
    const text = await (await fetch(`${stack.gen.url}/metrics`)).text();
    expect(text).toMatch(/rowflow_http_requests_total\{method="GET",route="\/api\/generator\/stream\/csv",status="200"\} [1-9]/);
    expect(await metric(stack.gen.url, 'rowflow_stream_rows_total', '{endpoint="csv"}')).toBeGreaterThanOrEqual(1234);
    expect(await metric(stack.gen.url, 'rowflow_stream_bytes_total', '{endpoint="csv"}')).toBeGreaterThanOrEqual(body.byteLength);
    expect(text).toContain('rowflow_stream_seconds_count{endpoint="csv"}');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('orchestrator /metrics: preview rows/bytes/durations, job phases and chunk latency', async () => {
    const sse = await readSseText(`${stack.orch.url}/api/orchestrator/stream?table=users&rows=250&seed=4`);
    expect(sse.messages.at(-1)!.event).toBe('complete');
    expect(await metric(stack.orch.url, 'rowflow_stream_rows_total', '{endpoint="preview"}')).toBeGreaterThanOrEqual(250);
    const text = await (await fetch(`${stack.orch.url}/metrics`)).text();
    expect(text).toContain('rowflow_stream_bytes_total{endpoint="preview"}');
    expect(text).toMatch(/rowflow_http_requests_total\{method="GET",route="\/api\/orchestrator\/stream",status="200"\} [1-9]/);
    // Chunk latency and phase durations are observed, not just declared (their TYPE and empty
    // buckets are there from the start): a job of 4 chunks adds 4 chunk observations and a loading phase.
    const chunks0 = await metric(stack.orch.url, 'rowflow_job_chunk_seconds_count');
    const loading0 = await metric(stack.orch.url, 'rowflow_job_phase_seconds_count', '{phase="loading"}');
    const job = await postJson(`${stack.orch.url}/api/jobs`, { table: 'orders', rows: 2000, seed: 8, chunkSize: 500, targetTable: 'timed' });
    expect(job.status).toBe(202);
    await waitForState(stack.orch.url, job.body.id, ['completed']);
    await expect.poll(() => metric(stack.orch.url, 'rowflow_job_chunk_seconds_count'), { timeout: 30_000 }).toBeGreaterThanOrEqual(chunks0 + 4);
    await expect.poll(() => metric(stack.orch.url, 'rowflow_job_phase_seconds_count', '{phase="loading"}'), { timeout: 30_000 }).toBeGreaterThanOrEqual(loading0 + 1);
  });

  it('job phases are observed: a create job with keys records its loading and its building indexes', async () => {
    const job = await postJson(`${stack.orch.url}/api/jobs`, { table: 'users', rows: 3000, seed: 6, targetTable: 'phased' });
    expect(job.status).toBe(202);
    await waitForState(stack.orch.url, job.body.id, ['completed']);
    // Observed right after the commits that make the states visible: wait for them, no timing.
    await expect.poll(() => metric(stack.orch.url, 'rowflow_job_phase_seconds_count', '{phase="loading"}'), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    await expect.poll(() => metric(stack.orch.url, 'rowflow_job_phase_seconds_count', '{phase="building indexes"}'), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
  });

  it('/health of both apps: status 200, the old fields, plus heap and RSS', async () => {
    for (const url of [stack.gen.url, stack.orch.url]) {
      const res = await fetch(`${url}/health`);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({ status: 'ok', memory: { overBudget: false, budgetMb: 1024 } });
      expect(body.uptimeSec).toBeTypeOf('number');
      expect(body.memory.rssMb).toBeGreaterThan(0);
      expect(body.memory.heapUsedMb).toBeGreaterThan(0);
    }
  });
});

describe('memory budget (MEMORY_BUDGET_MB=1: always over)', () => {
  let tight: { app: INestApplication; url: string };
  let tightGen: { app: INestApplication; url: string };
  // A database of its own: a worker of the other orchestrator (no budget) must not be able to
  // take this job's partition, or the chunk sizes would depend on which process got it.
  let tightDb: { url: string; drop: () => Promise<void> };
  let tightPool: pg.Pool;

  beforeAll(async () => {
    tightDb = await freshDatabase(inject('databaseUrl'));
    tightPool = new pg.Pool({ connectionString: tightDb.url, max: 2 });
    tightPool.on('error', () => undefined);
    tightGen = await bootApp(GeneratorModule.register(loadGeneratorConfig({ LOG_LEVEL: 'warn', MEMORY_BUDGET_MB: '1' })));
    tight = await bootOrchestrator(tightDb.url, stack.gen.url, { MEMORY_BUDGET_MB: '1', WORKER_CONCURRENCY: '1' });
  });

  afterAll(async () => {
    await tight?.app.close();
    await tightGen?.app.close();
    await tightPool?.end();
    await tightDb?.drop();
  });

  it('the relay refuses a new preview and download with 503 and a message; /health stays 200 and says so', async () => {
    for (const path of ['stream?table=users&rows=10', 'download/csv?table=users&rows=10']) {
      const res = await fetch(`${tight.url}/api/orchestrator/${path}`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect((await res.json()).message).toContain('MEMORY_BUDGET_MB=1');
    }
    const health = await fetch(`${tight.url}/health`);
    expect(health.status).toBe(200);
    expect((await health.json()).memory).toMatchObject({ overBudget: true, budgetMb: 1 });
  });

  it('the generator refuses a new stream with 503', async () => {
    const res = await fetch(`${tightGen.url}/api/generator/stream/ndjson?table=users&rows=10`);
    expect(res.status).toBe(503);
    expect((await res.json()).message).toContain('MEMORY_BUDGET_MB=1');
    expect((await (await fetch(`${tightGen.url}/health`)).json()).memory.overBudget).toBe(true);
  });

  it('a job cuts smaller chunks (a quarter) and still loads every row', async () => {
    const job = await postJson(`${tight.url}/api/jobs`, { table: 'orders', rows: 3000, seed: 8, chunkSize: 1000, targetTable: 'squeezed' });
    expect(job.status).toBe(202);
    const done = await waitForState(tight.url, job.body.id, ['completed', 'failed']);
    expect(done.state).toBe('completed');
    expect(done.partitions[0].chunkSize).toBe(250);
    expect(done.chunksCommitted).toBe(12);
    const n = await tightPool.query('SELECT count(*)::int AS n FROM squeezed');
    expect(n.rows[0].n).toBe(3000);
  });
});
