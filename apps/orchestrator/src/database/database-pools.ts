import pg from 'pg';
import type { OrchestratorConfig } from '../config/orchestrator-config.js';

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
/** API connections opened at start: a job's POST and the event stream its page opens next. */
export const API_CONNECTIONS = 2;

type PoolsConfig = Pick<OrchestratorConfig, 'DATABASE_URL' | 'WORKER_CONCURRENCY' | 'JOB_WORKERS'>;

/**
 * The process's pg pools (see Database). Only `pg` is imported here, so that `main` can create
 * them and open their connections before it loads the app.
 *
 * The workers' pool keeps one idle connection per partition slot instead of closing them after
 * 10 s: a fresh backend maps PostgreSQL's shared memory page by page as it first touches it (the
 * COPY's buffer ring, the WAL buffers), and a 1M-row load on four fresh connections cost the
 * server 0.2–0.9 CPU s more than on four that had loaded before (twice the page faults). The
 * first job after start pays it; with the connections kept, a job after a pause no longer does.
 */
export class DatabasePools {
  readonly pool: pg.Pool;
  readonly requests: pg.Pool;
  /** Connections of `pool` kept and opened at start: one per partition slot, none without job workers. */
  private readonly slots: number;
  private warming: Promise<boolean> | undefined;

  constructor(config: PoolsConfig) {
    this.slots = config.JOB_WORKERS ? config.WORKER_CONCURRENCY : 0;
    this.pool = new pg.Pool({
      connectionString: config.DATABASE_URL,
      max: config.WORKER_CONCURRENCY + 6,
      min: this.slots,
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
   * Opens a connection per partition slot and API_CONNECTIONS for the API now, so that start-up
   * and the first job find them open (connecting and password authentication are round trips and
   * CPU on both sides). Best effort: false when the database did not answer.
   *
   * Once per process: `main` calls it before loading the app and the jobs service again at its
   * bootstrap, while the first call's connections may still be opening; a second round of
   * checkouts then would open that many more fresh backends. A failed warm-up is forgotten, so a
   * later call (once the database is up) opens them.
   */
  warm(): Promise<boolean> {
    this.warming ??= this.open().then((ok) => {
      if (!ok) this.warming = undefined;
      return ok;
    });
    return this.warming;
  }

  private async open(): Promise<boolean> {
    const opening = [...openEach(this.pool, this.slots), ...openEach(this.requests, API_CONNECTIONS)];
    const opened = await Promise.allSettled(opening);
    for (const r of opened) if (r.status === 'fulfilled') r.value.release();
    return opened.every((r) => r.status === 'fulfilled');
  }

  async end(): Promise<void> {
    await Promise.all([this.pool.end(), this.requests.end()]);
  }
}

/** `n` connections of `pool` checked out at once (so that each is a connection of its own). */
function openEach(pool: pg.Pool, n: number): Array<Promise<pg.PoolClient>> {
  return Array.from({ length: n }, () => pool.connect());
}
