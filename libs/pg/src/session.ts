import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { isTransactionConflict } from './errors.js';

function ignore(): void {}

export interface SessionOptions {
  /** On failure, try a ROLLBACK before the connection is discarded (it may be inside a transaction). */
  rollback?: boolean;
  /**
   * Once aborted, the connection is discarded even after a success: a cancel
   * (pg_cancel_backend) may have been sent to it and could still land on the next user's query.
   */
  signal?: AbortSignal;
}

/**
 * Runs `fn` on a pooled connection. Any failure discards the connection instead of returning it
 * (it may be mid-COPY or mid-transaction); with `rollback`, a ROLLBACK is tried first. A
 * discarded connection can still report its death after release, so it keeps ignoring errors —
 * removing the listener there turned a terminated backend's late FATAL into an uncaught exception.
 */
export async function withSession<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, opts: SessionOptions = {}): Promise<T> {
  const client = await pool.connect();
  // A checked-out client whose server goes away emits 'error'; the failing query reports it.
  client.on('error', ignore);
  let broken: Error | undefined;
  try {
    return await fn(client);
  } catch (err) {
    broken = err instanceof Error ? err : new Error(String(err));
    if (opts.rollback) await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    broken ??= opts.signal?.aborted ? new Error('session stopped') : undefined;
    if (!broken) client.off('error', ignore);
    client.release(broken);
  }
}

/** Time limits of one transaction, set with SET LOCAL so they end with it (the pool's next user never sees them). */
export interface SessionLimits {
  /** Waiting for a lock longer than this fails the statement with 55P03. */
  lockTimeoutMs?: number;
  /** A statement running longer than this is cancelled with 57014. */
  statementTimeoutMs?: number;
}

export interface TransactionOptions extends SessionLimits {
  /**
   * Runs of the whole transaction when Postgres aborts it for a serialization failure or a
   * deadlock (both say "run it again"); 1 = no retry. The waits between runs grow with the run
   * number and are jittered, so two sessions that deadlocked do not meet again in step.
   */
  attempts?: number;
}

/** SQL that applies `limits` to the current transaction (empty when none is set). */
export function limitsSql(limits: SessionLimits): string {
  const sets: string[] = [];
  if (limits.lockTimeoutMs !== undefined) sets.push(`SET LOCAL lock_timeout = ${Math.max(0, Math.round(limits.lockTimeoutMs))}`);
  if (limits.statementTimeoutMs !== undefined) sets.push(`SET LOCAL statement_timeout = ${Math.max(0, Math.round(limits.statementTimeoutMs))}`);
  return sets.join('; ');
}

/**
 * `fn` inside BEGIN … COMMIT on a pooled connection (see withSession: a failure rolls back and
 * discards the connection), with optional lock/statement time limits, and run again from the
 * start when Postgres aborts it as a deadlock or serialization victim.
 */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 1);
  const limits = limitsSql(opts);
  for (let attempt = 1; ; attempt++) {
    try {
      return await withSession(
        pool,
        async (c) => {
          await c.query(limits ? `BEGIN; ${limits}` : 'BEGIN');
          const out = await fn(c);
          await c.query('COMMIT');
          return out;
        },
        { rollback: true },
      );
    } catch (err) {
      if (!isTransactionConflict(err) || attempt >= attempts) throw err;
      await sleep(Math.random() * 200 * attempt);
    }
  }
}

export interface PoolLimits {
  connectionString: string;
  /** Connections open at once. */
  max: number;
  /** Checking a connection out gives up after this long (node-postgres: "timeout exceeded when trying to connect"). */
  acquireTimeoutMs: number;
  /** lock_timeout of every connection of the pool (unset: the server's). */
  lockTimeoutMs?: number;
  /** statement_timeout of every connection of the pool (unset: the server's). */
  statementTimeoutMs?: number;
}

/**
 * node-postgres pool settings with session-wide limits. They travel as start-up parameters of
 * their own: `options` would replace any options the connection string carries.
 */
export function poolConfig(limits: PoolLimits): pg.PoolConfig {
  return {
    connectionString: limits.connectionString,
    max: limits.max,
    connectionTimeoutMillis: limits.acquireTimeoutMs,
    ...(limits.lockTimeoutMs !== undefined ? { lock_timeout: limits.lockTimeoutMs } : {}),
    ...(limits.statementTimeoutMs !== undefined ? { statement_timeout: limits.statementTimeoutMs } : {}),
  };
}
