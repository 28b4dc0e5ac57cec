/**
 * One schema's round trip through a running stack, over its public HTTP API only:
 * POST /api/introspect → POST /api/jobs (mode append, into the same DDL, empty) → wait →
 * dead letters → GET /api/jobs/:id/verify. Every step's refusal is recorded, not thrown: the
 * corpus reports what a user would have hit.
 */
import { performance } from 'node:perf_hooks';

export interface Refusal {
  step: 'introspect' | 'job' | 'load' | 'verify';
  status?: number;
  field?: string;
  message: string;
}

export interface VerifySummary {
  ok: boolean;
  /** "table: reason" of tables that differ or could not be verified (first few). */
  problems: string[];
  tables: number;
}

export interface RoundTrip {
  introspectedTables: number;
  warnings: string[];
  introspectSeconds: number;
  jobId?: string;
  jobState?: string;
  rowsWritten: number;
  rowsSkipped: number;
  loadSeconds: number;
  /** Dead letters grouped by what rejected them, most frequent first. */
  deadLetters: Array<{ what: string; rows: number }>;
  verify?: VerifySummary;
  refusals: Refusal[];
}

interface Json {
  status: number;
  body: Record<string, unknown>;
}

async function call(base: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { message: text.slice(0, 500) };
  }
  return { status: res.status, body: parsed };
}

function refusal(step: Refusal['step'], r: Json): Refusal {
  const out: Refusal = { step, status: r.status, message: String(r.body.message ?? JSON.stringify(r.body)).slice(0, 2000) };
  if (typeof r.body.field === 'string') out.field = r.body.field;
  return out;
}

async function waitForEnd(base: string, id: string): Promise<Record<string, unknown>> {
  for (;;) {
    const job = await call(base, 'GET', `/api/jobs/${id}`);
    const state = job.body.state as string;
    if (['completed', 'failed', 'cancelled'].includes(state)) return job.body;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Groups dead letters by table and constraint when they carry them, else by message. */
function groupDeadLetters(list: Array<Record<string, unknown>>): RoundTrip['deadLetters'] {
  const counts = new Map<string, number>();
  for (const d of list) {
    const msg = String(d.message ?? '').replace(/\d+/g, 'N').slice(0, 160);
    const what = d.table ? `${String(d.table)}${d.constraint ? ` ${String(d.constraint)}` : ''}: ${msg}` : msg;
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([what, rows]) => ({ what, rows }));
}

function verifySummary(r: Json): VerifySummary {
  const tables = (r.body.tables as Array<Record<string, unknown>> | undefined) ?? [];
  const problems = tables.filter((t) => t.ok === false).map((t) => `${String(t.table)}: ${JSON.stringify(t.firstMismatch ?? {}).slice(0, 300)}`);
  return { ok: r.body.ok === true, problems: problems.slice(0, 5), tables: tables.length };
}

export interface RoundTripOptions {
  schemas: string[];
  rows: number;
  seed: number;
}

export async function roundTrip(base: string, opts: RoundTripOptions): Promise<RoundTrip> {
  const out: RoundTrip = { introspectedTables: 0, warnings: [], introspectSeconds: 0, rowsWritten: 0, rowsSkipped: 0, loadSeconds: 0, deadLetters: [], refusals: [] };
  const t0 = performance.now();
  const schema = opts.schemas.length === 1 ? opts.schemas[0] : opts.schemas;
  const intro = await call(base, 'POST', '/api/introspect', { schema, rows: opts.rows });
  out.introspectSeconds = (performance.now() - t0) / 1000;
  if (intro.status !== 200) return { ...out, refusals: [refusal('introspect', intro)] };
  const dataset = intro.body.dataset as { tables: unknown[] };
  out.introspectedTables = dataset.tables.length;
  out.warnings = (intro.body.warnings as unknown[]).map((w) => (typeof w === 'string' ? w : JSON.stringify(w)));
  const t1 = performance.now();
  const created = await call(base, 'POST', '/api/jobs', { dataset, mode: 'append', seed: opts.seed, skipLimit: 1_000_000_000 });
  if (created.status !== 202) return { ...out, refusals: [refusal('job', created)] };
  out.jobId = created.body.id as string;
  const job = await waitForEnd(base, out.jobId);
  out.loadSeconds = (performance.now() - t1) / 1000;
  out.jobState = job.state as string;
  out.rowsWritten = Number(job.rowsWritten ?? 0);
  out.rowsSkipped = Number(job.rowsSkipped ?? 0);
  if (job.state !== 'completed') out.refusals.push({ step: 'load', message: String(job.error ?? job.state) });
  const dl = await call(base, 'GET', `/api/jobs/${out.jobId}/dead-letters`);
  if (dl.status === 200) out.deadLetters = groupDeadLetters(dl.body as unknown as Array<Record<string, unknown>>);
  if (job.state !== 'completed') return out;
  const v = await call(base, 'GET', `/api/jobs/${out.jobId}/verify`);
  if (v.status === 200) out.verify = verifySummary(v);
  else out.refusals.push(refusal('verify', v));
  return out;
}
