import type { DatasetSpec } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { postJson, useLocalOrchestrator, waitForState } from '../support/index.js';

/**
 * Free text shaped by the source's lengths: a source filled by plain SQL with short and long
 * notes, profiled from pg_stats, loaded by a job, compared by the fidelity endpoint — and no
 * word of the source's text in the profile.
 */
const t = useLocalOrchestrator();

const SOURCE = `
CREATE SCHEMA src;
CREATE TABLE src.tickets (id serial PRIMARY KEY, body text NOT NULL, notes varchar(400));
SELECT setseed(0.17);
INSERT INTO src.tickets (body, notes)
SELECT left(repeat('confidential ', 40), CASE WHEN random() < 0.8 THEN 8 + floor(random() * 20)::int ELSE 200 + floor(random() * 250)::int END) || g,
       CASE WHEN random() < 0.3 THEN NULL ELSE left(repeat('classified ', 40), 30 + floor(random() * 60)::int) || g END
FROM generate_series(1, 5000) g;
ANALYZE src.tickets;`;

interface Fidelity {
  ok: boolean;
  columns: { column: string; widthRatio?: number; nullDiff: number; ok: boolean }[];
}

describe('profiled free text', () => {
  it('keeps the lengths, not the words, and the generated average width is the source’s within 1.2×', async () => {
    await t.pool.query(SOURCE);
    const intro = await postJson(`${t.api.url}/api/introspect`, { schema: 'src', profile: 'stats' });
    expect(intro.status, JSON.stringify(intro.body)).toBe(200);
    const text = JSON.stringify(intro.body);
    expect(text).not.toMatch(/confidential|classified/);
    const dataset = intro.body.dataset as DatasetSpec;
    const body = dataset.tables[0]!.columns.find((c) => c.name === 'body')!;
    expect(body.profile?.lengths?.length).toBeGreaterThan(2);
    // Four in five bodies are short: the median length is short, the top is long.
    expect(body.profile!.lengths![Math.floor(body.profile!.lengths!.length / 2)]).toBeLessThan(40);
    expect(body.profile!.lengths!.at(-1)).toBeGreaterThan(200);

    const job = await postJson(`${t.api.url}/api/jobs`, { dataset, seed: 3, partitions: 2, targetPrefix: 'gen_' });
    expect(job.status, JSON.stringify(job.body)).toBe(202);
    await waitForState(t.api.url, job.body.id, ['completed'], 120_000);
    const lengths = await t.pool.query<{ short: number; long: number; over: number }>(
      `SELECT count(*) FILTER (WHERE length(body) < 40)::int AS short, count(*) FILTER (WHERE length(body) > 200)::int AS long,
              count(*) FILTER (WHERE length(notes) > 400)::int AS over FROM public.gen_tickets`,
    );
    expect(lengths.rows[0]!.short).toBeGreaterThan(3500);
    expect(lengths.rows[0]!.long).toBeGreaterThan(600);
    expect(lengths.rows[0]!.over).toBe(0);

    const res = await fetch(`${t.api.url}/api/jobs/${job.body.id}/fidelity`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as Fidelity;
    for (const name of ['body', 'notes']) {
      const c = report.columns.find((x) => x.column === name);
      expect(c?.widthRatio, name).toBeLessThanOrEqual(1.2);
      expect(c?.ok, JSON.stringify(c)).toBe(true);
    }
  });
});
