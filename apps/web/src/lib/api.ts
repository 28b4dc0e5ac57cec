/**
 * URLs and fetch helpers for the orchestrator's HTTP API. The page talks only to the
 * orchestrator (same origin), never to the generator directly.
 */
import type { CatalogEntry, CreateJobRequest, ErrorBody, JobStatus, TableSpec } from '@rowflow/contracts';
import { askForToken, authHeaders } from './auth.js';

/** What to generate: a catalog table by name or a custom schema. */
export type Source = { kind: 'table'; table: string } | { kind: 'schema'; schema: TableSpec };

export interface RunParams {
  source: Source;
  rows: number;
  /** null = random: the server picks and reports the seed it used. */
  seed: number | null;
}

/** A non-2xx answer, carrying the server's `{statusCode, error, message, field?}` body. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }
}

/** Query string shared by the stream and download endpoints. */
export function runQuery(p: RunParams): URLSearchParams {
  const q = new URLSearchParams();
  if (p.source.kind === 'table') q.set('table', p.source.table);
  else q.set('schema', JSON.stringify(p.source.schema));
  q.set('rows', String(p.rows));
  if (p.seed !== null) q.set('seed', String(p.seed));
  return q;
}

export function previewUrl(p: RunParams): string {
  return `/api/orchestrator/stream?${runQuery(p).toString()}`;
}

export function downloadUrl(p: RunParams): string {
  return `/api/orchestrator/download/csv?${runQuery(p).toString()}`;
}

export function jobEventsUrl(id: string): string {
  return `/api/jobs/${encodeURIComponent(id)}/events`;
}

/**
 * fetch + JSON with the error body turned into an ApiError (also for non-JSON failures). Sends
 * the tab's token when there is one; a 401 asks for it and tries again.
 */
export async function fetchJson<T>(url: string, init?: RequestInit, asked = 0): Promise<T> {
  const headers = { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}), ...authHeaders(), ...init?.headers };
  const res = await fetch(url, { ...init, headers });
  // A wrong token is asked for again (the dialog says so), a few times, until the user cancels.
  if (res.status === 401 && asked < 3 && (await askForToken())) return fetchJson<T>(url, init, asked + 1);
  if (!res.ok) throw new ApiError(res.status, await errorBody(res));
  const text = await res.text(); // a 202/204 may have no body
  return (text ? JSON.parse(text) : {}) as T;
}

/** Reads an error response's body; a proxy's HTML page becomes a plain message. */
export async function errorBody(res: Response): Promise<ErrorBody> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (typeof body.message === 'string') return { statusCode: res.status, error: body.error ?? res.statusText, message: body.message, field: body.field };
    if (Array.isArray(body.message)) return { statusCode: res.status, error: body.error ?? res.statusText, message: (body.message as string[]).join('; ') };
  } catch {
    /* not JSON: fall through */
  }
  return { statusCode: res.status, error: res.statusText, message: `${res.status} ${res.statusText}`.trim() };
}

/** The catalog, from the orchestrator (which relays the generator's list). */
export function listTables(): Promise<CatalogEntry[]> {
  return fetchJson<CatalogEntry[]>('/api/orchestrator/tables');
}

/** One row a job could not insert (`GET /api/jobs/:id/dead-letters`). */
export interface DeadLetter {
  rowNumber: number;
  /** The rejected row as CSV. */
  row: string;
  sqlstate: string;
  message: string;
  /** The job table the row was meant for (dataset jobs). */
  table?: string;
  /** The constraint that refused it, when PostgreSQL named one. */
  constraint?: string;
}

export function listDeadLetters(id: string): Promise<DeadLetter[]> {
  return fetchJson<DeadLetter[]>(`/api/jobs/${encodeURIComponent(id)}/dead-letters`);
}

/** Starts a job; the 202 body may be a summary (`{id, …}`), so fetch the full status if needed. */
export async function createJob(req: CreateJobRequest): Promise<JobStatus> {
  const created = await fetchJson<Partial<JobStatus> & { id: string }>('/api/jobs', { method: 'POST', body: JSON.stringify(req) });
  return isFullStatus(created) ? created : getJob(created.id);
}

export function getJob(id: string): Promise<JobStatus> {
  return fetchJson<JobStatus>(`/api/jobs/${encodeURIComponent(id)}`);
}

/** True when a job payload carries everything the monitor draws. */
export function isFullStatus(j: Partial<JobStatus>): j is JobStatus {
  return typeof j.id === 'string' && typeof j.state === 'string' && typeof j.rowsTotal === 'number' && typeof j.rowsWritten === 'number' && Array.isArray(j.partitions);
}

export function listJobs(): Promise<JobStatus[]> {
  return fetchJson<JobStatus[] | { jobs: JobStatus[] }>('/api/jobs').then((r) => (Array.isArray(r) ? r : r.jobs));
}

/** Cancel or resume; a resume may carry a new dead-letter limit (`maxDeadLetters`). */
export async function jobAction(id: string, action: 'cancel' | 'resume', body?: { maxDeadLetters?: number }): Promise<JobStatus> {
  const res = await fetchJson<Partial<JobStatus>>(`/api/jobs/${encodeURIComponent(id)}/${action}`, { method: 'POST', ...(body ? { body: JSON.stringify(body) } : {}) });
  return isFullStatus(res) ? res : getJob(id);
}

/** Deletes an ended job and its dead letters; its tables too only with `dropTables`. */
export async function deleteJob(id: string, dropTables: boolean): Promise<void> {
  await fetchJson<unknown>(`/api/jobs/${encodeURIComponent(id)}${dropTables ? '?dropTables=true' : ''}`, { method: 'DELETE' });
}

/** Deletes an ended export: its files and its record. */
export async function deleteExport(id: string): Promise<void> {
  await fetchJson<unknown>(`/api/exports/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/**
 * Why did an EventSource fail to open? EventSource hides the HTTP status, so on an early error the
 * page asks again with fetch, reads a 4xx body (e.g. a schema field error) and hangs up at once.
 * Returns null when the endpoint answers fine (then it was a network problem).
 */
export async function diagnose(url: string): Promise<ErrorBody | null> {
  const ctl = new AbortController();
  try {
    const res = await fetch(url, { signal: ctl.signal, headers: { accept: 'text/event-stream' } });
    if (res.ok) return null;
    // Reads are protected (ROWFLOW_PROTECT_READS): the token opens a read session for EventSource.
    if (res.status === 401 && (await askForToken())) return { statusCode: 401, error: 'Unauthorized', message: 'Token accepted: start the preview again.' };
    return await errorBody(res);
  } catch {
    return { statusCode: 0, error: 'Network error', message: 'The orchestrator is not reachable.' };
  } finally {
    ctl.abort();
  }
}
