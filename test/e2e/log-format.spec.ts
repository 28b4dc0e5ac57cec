/**
 * LOG_FORMAT: JSON lines for log collectors, readable lines for a person, and a job's per-chunk
 * lines kept out of the default level. The built orchestrator as a real process.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase, postJson, type Proc, spawnApp, stop, waitForState } from '../support/index.js';

let db: { url: string; drop: () => Promise<void> };
const started: Proc[] = [];

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
});
afterAll(async () => {
  await Promise.all(started.map((p) => stop(p)));
  await db?.drop();
});

async function orchestrator(format: string): Promise<Proc> {
  const p = await spawnApp('orchestrator', { DATABASE_URL: db.url, LOG_LEVEL: 'info', LOG_FORMAT: format });
  started.push(p);
  return p;
}

const lines = (p: Proc): string[] => p.output().split('\n').filter((l) => l.trim() !== '');

describe('LOG_FORMAT', () => {
  it('json: every line is a JSON object, and a job logs no line per chunk at info', { timeout: 120_000 }, async () => {
    const p = await orchestrator('json');
    const res = await postJson(`${p.url}/api/jobs`, { table: 'users', rows: 20_000, chunkSize: 1000, partitions: 2, seed: 3, targetTable: 'log_users' });
    expect(res.status).toBe(202);
    await waitForState(p.url, res.body.id, ['completed']);
    await stop(p);
    const events = lines(p).map((l) => JSON.parse(l) as { event?: string; msg?: string });
    expect(events.some((e) => e.msg === 'orchestrator listening')).toBe(true);
    expect(events.some((e) => e.event === 'job_end')).toBe(true);
    expect(events.filter((e) => e.event === 'chunk_committed')).toEqual([]);
    // Nest's per-route boot narration is debug too.
    expect(events.filter((e) => /Mapped \{/.test(e.msg ?? ''))).toEqual([]);
  });

  it('pretty: readable lines, none of them JSON', { timeout: 120_000 }, async () => {
    const p = await orchestrator('pretty');
    await stop(p);
    const out = lines(p);
    expect(out.some((l) => /INFO.*orchestrator listening/.test(l))).toBe(true);
    for (const l of out) expect(() => JSON.parse(l), l).toThrow();
  });

  it('refuses an unknown LOG_FORMAT at boot with the other config errors', { timeout: 60_000 }, async () => {
    await expect(spawnApp('orchestrator', { DATABASE_URL: db.url, LOG_FORMAT: 'xml' })).rejects.toThrow('LOG_FORMAT must be one of pretty, json, got "xml"');
  });
});
