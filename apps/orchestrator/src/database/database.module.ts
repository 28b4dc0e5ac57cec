import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { migrate } from '@rowflow/jobs';
import { DEPENDENCY_ERRORS } from '@rowflow/platform-nest';
import pg from 'pg';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';
import { postgresFailure } from './database-errors.js';

/** A request waits this long for a lock on a table before it is answered 409. */
export const REQUEST_LOCK_TIMEOUT_MS = 3000;
/** A request waits this long for a free connection before it is answered 503. */
export const REQUEST_ACQUIRE_TIMEOUT_MS = 5000;
/** Connections request handlers may hold at once; the workers' pool is separate. */
const REQUEST_POOL_SIZE = 8;
/**
 * Workers wait for a connection this long before the attempt counts as a transient failure and is
 * retried (pg's "timeout exceeded when trying to connect"), instead of waiting forever.
 */
const WORKER_ACQUIRE_TIMEOUT_MS = 30_000;

/**
 * The process's pg pools. `pool` serves the job and export workers, which may wait on locks as
 * long as their own retry rules say. `requests` serves HTTP handlers: every connection has a
 * `lock_timeout`, and checking one out gives up after a few seconds, so a request on a locked
 * table is a quick 409 and a burst of them cannot starve the workers or `/health`.
 *
 * The workers' pool keeps one idle connection per partition slot instead of closing them after
 * 10 s: a fresh backend maps PostgreSQL's shared memory page by page as it first touches it, and
 * a 1M-row load on four fresh connections cost the server 0.3–0.9 CPU s more than on four that
 * had loaded before (minor page faults, twice as many) — the first job after start, and every
 * job after a pause of more than 10 s, paid it.
 */
@Injectable()
export class Database implements OnApplicationShutdown {
  readonly pool: pg.Pool;
  readonly requests: pg.Pool;
  private migration: Promise<void> | undefined;

  constructor(@Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig) {
    this.pool = new pg.Pool({
      connectionString: config.DATABASE_URL,
      max: config.WORKER_CONCURRENCY + 6,
      min: config.WORKER_CONCURRENCY,
      connectionTimeoutMillis: WORKER_ACQUIRE_TIMEOUT_MS,
    });
    this.requests = new pg.Pool({
      connectionString: config.DATABASE_URL,
      max: REQUEST_POOL_SIZE,
      connectionTimeoutMillis: REQUEST_ACQUIRE_TIMEOUT_MS,
      // A start-up parameter of its own: `options` would replace any options the DATABASE_URL carries.
      lock_timeout: REQUEST_LOCK_TIMEOUT_MS,
    });
    // An idle client losing its server (Postgres restart) must not crash the process.
    this.pool.on('error', () => undefined);
    this.requests.on('error', () => undefined);
  }

  /**
   * True when a round trip to Postgres succeeds within `timeoutMs`. Through the workers' pool: a
   * burst of requests filling the request pool says nothing about the database being down.
   */
  async ping(timeoutMs = 2000): Promise<boolean> {
    const timeout = new Promise<boolean>((ok) => setTimeout(() => ok(false), timeoutMs).unref());
    const query = this.pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
    return Promise.race([query, timeout]);
  }

  /**
   * Migrates the `rowflow` schema once for this process. The job and the export stores both need
   * it at start; each running its own migration had the second wait on the first's advisory lock
   * and then check the fingerprint again. A failed attempt is forgotten, so that each store's
   * start-up retry migrates again.
   */
  migrate(): Promise<void> {
    this.migration ??= migrate(this.pool).catch((err: unknown) => {
      this.migration = undefined;
      throw err;
    });
    return this.migration;
  }

  /**
   * Opens a connection for each partition slot and `requests` API connections now, at start, so
   * that the first job finds them open (connect and password authentication are round trips
   * and CPU on both sides). Best effort: false when the database did not answer.
   */
  async warm(requests: number): Promise<boolean> {
    const opening = [...openEach(this.pool, this.config.WORKER_CONCURRENCY), ...openEach(this.requests, requests)];
    const opened = await Promise.allSettled(opening);
    for (const r of opened) if (r.status === 'fulfilled') r.value.release();
    return opened.every((r) => r.status === 'fulfilled');
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.pool.end(), this.requests.end()]);
  }
}

/** `n` connections of `pool` checked out at once (so that each is a connection of its own). */
function openEach(pool: pg.Pool, n: number): Array<Promise<pg.PoolClient>> {
  return Array.from({ length: n }, () => pool.connect());
}

@Global()
@Module({ providers: [Database, { provide: DEPENDENCY_ERRORS, useValue: postgresFailure }], exports: [Database, DEPENDENCY_ERRORS] })
export class DatabaseModule {}
