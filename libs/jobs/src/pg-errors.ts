/** How the chunk loop reacts to an error. */
export type ErrorKind = 'transient' | 'data' | 'fatal' | 'abort';

const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '53300', '57P01', '57P02', '57P03', '55P03']);
const TRANSIENT_ERRNO = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// node-postgres reports a dropped server connection without a code, only with these messages.
const TRANSIENT_MESSAGE = /Connection terminated|not queryable|connection error|socket hang up|timeout exceeded/i;

/** SQLSTATE of a Postgres error, if it is one. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Classifies an error from a chunk attempt (DESIGN.md Jobs): connection loss, serialization
 * failures, deadlocks, too many connections, admin shutdown → retry; data exceptions (22xxx)
 * and integrity violations (23xxx) → bisect; anything else (missing table 42P01, privilege
 * 42501, bad column …) → fail fast.
 */
export function classifyError(err: unknown): ErrorKind {
  const e = err as { name?: unknown; code?: unknown; transient?: unknown; message?: unknown } | null;
  if (e?.name === 'AbortError') return 'abort';
  const state = sqlState(err);
  if (state) {
    if (TRANSIENT_SQLSTATES.has(state) || state.startsWith('08')) return 'transient';
    if (state.startsWith('22') || state.startsWith('23')) return 'data';
    return 'fatal';
  }
  if (e?.transient === true) return 'transient';
  if (typeof e?.code === 'string' && TRANSIENT_ERRNO.has(e.code)) return 'transient';
  if (typeof e?.message === 'string' && TRANSIENT_MESSAGE.test(e.message)) return 'transient';
  return 'fatal';
}

/** The source delivered fewer/more rows than asked: never commit such a chunk; retry it. */
export class ShortChunkError extends Error {
  override readonly name = 'ShortChunkError';
  readonly transient = true;
}

/** More rows were rejected than the job's skipLimit allows. Fails the job. */
export class SkipLimitError extends Error {
  override readonly name = 'SkipLimitError';
}

/** Exponential backoff with full jitter (AWS architecture blog): random in [0, min(cap, base·2^n)). */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}
