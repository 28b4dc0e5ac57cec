import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
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
 */
@Injectable()
export class Database implements OnApplicationShutdown {
  readonly pool: pg.Pool;
  readonly requests: pg.Pool;

  constructor(@Inject(ORCHESTRATOR_CONFIG) config: OrchestratorConfig) {
    this.pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: config.WORKER_CONCURRENCY + 6, connectionTimeoutMillis: WORKER_ACQUIRE_TIMEOUT_MS });
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

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.pool.end(), this.requests.end()]);
  }
}

@Global()
@Module({ providers: [Database, { provide: DEPENDENCY_ERRORS, useValue: postgresFailure }], exports: [Database, DEPENDENCY_ERRORS] })
export class DatabaseModule {}
