import { HttpException } from '@nestjs/common';
import { UnavailableError } from '@rowflow/jobs';
import { classifyError, sqlState } from '@rowflow/pg';
import type { DependencyFailure } from '@rowflow/platform-nest';

/** Seconds a client is asked to wait before retrying a request the database could not serve. */
export const RETRY_AFTER_SEC = 5;

/** node-postgres's pool: no client came free within connectionTimeoutMillis. */
const ACQUIRE_TIMEOUT = /timeout exceeded when trying to connect/i;

/**
 * PostgreSQL trouble as an answer a client can act on, instead of a bare 500: a lock the request
 * could not get within its lock_timeout → 409 (someone else holds the table; retry when they
 * are done); a job or export store not started within its ready timeout, the database down,
 * restarting, out of connections, a statement_timeout, or the pool with no free connection in
 * time → 503 with Retry-After. Messages never carry the server's
 * address (a socket error's own message does: `connect ECONNREFUSED 10.0.0.5:5432`).
 */
export function postgresFailure(err: unknown): DependencyFailure | undefined {
  if (err instanceof HttpException) return undefined;
  const state = sqlState(err);
  const unavailable = (message: string): DependencyFailure => ({ statusCode: 503, message, retryAfterSec: RETRY_AFTER_SEC });
  // A job or export store still starting (or waiting for its database) after the ready timeout.
  if (err instanceof UnavailableError) return unavailable(err.message);
  if (state === '55P03') {
    return { statusCode: 409, message: 'a table this request needs is locked by another transaction (lock_timeout reached); retry once it is released', retryAfterSec: RETRY_AFTER_SEC };
  }
  if (state === '57014') return unavailable('the database cancelled a statement (statement_timeout); retry later');
  if (err instanceof Error && ACQUIRE_TIMEOUT.test(err.message)) return unavailable('the database is busy: no connection came free in time; retry later');
  if (classifyError(err) !== 'transient') return undefined;
  const code = state ?? (err as { code?: unknown } | null)?.code;
  return unavailable(`the database is unavailable${typeof code === 'string' ? ` (${code})` : ''}; retry later`);
}
