/** What a caller does about an error: retry it, set the data aside (bisect), give up, or stop. */
export type ErrorKind = 'transient' | 'data' | 'fatal' | 'abort';

const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '53300', '57P01', '57P02', '57P03', '55P03']);
/** errno / Node codes of a socket that died or could not be opened: the peer may come back. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_WRITE_AFTER_END',
  'ERR_STREAM_DESTROYED',
  'UND_ERR_SOCKET',
]);
// node-postgres reports a dropped server connection without a code, only with these messages.
const TRANSIENT_MESSAGE =
  /Connection terminated|not queryable|connection error|socket hang up|timeout exceeded|Client was closed|write after end|premature close|the database system is (starting up|shutting down|in recovery mode)/i;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  severity?: unknown;
  transient?: unknown;
  message?: unknown;
  cause?: unknown;
}

/**
 * SQLSTATE of an error Postgres sent, if it is one. Only server errors carry `severity`; errno
 * codes such as "EPIPE" are also five capital letters and must not be read as SQLSTATEs (that
 * mistake once classified a killed socket's EPIPE as a fatal SQL error).
 */
export function sqlState(err: unknown): string | undefined {
  const e = err as ErrorLike | null;
  const code = e?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  return typeof e?.severity === 'string' || /^[0-9]/.test(code) ? code : undefined;
}

/**
 * Classifies an error from a database or network attempt: connection loss at any point (socket errors, a
 * terminated backend, a lost reply), serialization failures, deadlocks, too many connections,
 * admin shutdown, generator 5xx / unreachable, a stalled body → retry; data exceptions (22xxx),
 * integrity violations (23xxx) and exceptions raised by the table's own PL/pgSQL triggers (P0xxx:
 * applications validate rows that way, one row at a time) → bisect; anything else (missing table 42P01, privilege
 * 42501, bad column …) → fail fast. An error whose `cause` is transient is transient, and so is one that says so
 * (`transient: true`, e.g. a short chunk).
 */
export function classifyError(err: unknown, depth = 0): ErrorKind {
  const e = err as ErrorLike | null;
  if (e?.name === 'AbortError' && !(e.cause !== undefined && depth < 4 && classifyError(e.cause, depth + 1) === 'transient')) return 'abort';
  const state = sqlState(err);
  if (state) {
    if (TRANSIENT_SQLSTATES.has(state) || state.startsWith('08')) return 'transient';
    if (state.startsWith('22') || state.startsWith('23') || state.startsWith('P0')) return 'data';
    return 'fatal';
  }
  if (e?.transient === true) return 'transient';
  if (typeof e?.code === 'string' && TRANSIENT_CODES.has(e.code)) return 'transient';
  if (typeof e?.message === 'string' && TRANSIENT_MESSAGE.test(e.message)) return 'transient';
  if (e?.cause !== undefined && depth < 4 && classifyError(e.cause, depth + 1) === 'transient') return 'transient';
  return 'fatal';
}

/** Exponential backoff with full jitter (AWS architecture blog): random in [0, min(cap, base·2^n)). */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30)));
}

/** Serialization failure and deadlock: Postgres aborted the transaction; running it again may succeed. */
const RETRY_TRANSACTION = new Set(['40001', '40P01']);

/** True for a transaction Postgres aborted only because of concurrent work (run it again). */
export function isTransactionConflict(err: unknown): boolean {
  const state = sqlState(err);
  return state !== undefined && RETRY_TRANSACTION.has(state);
}
