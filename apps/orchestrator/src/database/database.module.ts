import { Global, Inject, Injectable, Module, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { migrate } from '@rowflow/jobs';
import { DEPENDENCY_ERRORS } from '@rowflow/platform-nest';
import type pg from 'pg';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';
import { postgresFailure } from './database-errors.js';
import { DatabasePools } from './database-pools.js';

export { REQUEST_ACQUIRE_TIMEOUT_MS, REQUEST_LOCK_TIMEOUT_MS } from './database-pools.js';

/** The pools `main` created (and started connecting) before loading the app; absent or null: Database makes its own. */
export const DATABASE_POOLS = Symbol('DATABASE_POOLS');

/**
 * The process's pg pools (DatabasePools). `pool` serves the job and export workers, which may
 * wait on locks as long as their own retry rules say. `requests` serves HTTP handlers: every
 * connection has a `lock_timeout`, and checking one out gives up after a few seconds, so a
 * request on a locked table is a quick 409 and a burst of them cannot starve the workers or
 * `/health`.
 */
@Injectable()
export class Database implements OnApplicationShutdown {
  readonly pool: pg.Pool;
  readonly requests: pg.Pool;
  private readonly pools: DatabasePools;
  private migration: Promise<void> | undefined;

  constructor(@Inject(ORCHESTRATOR_CONFIG) config: OrchestratorConfig, @Optional() @Inject(DATABASE_POOLS) pools?: DatabasePools | null) {
    this.pools = pools ?? new DatabasePools(config);
    this.pool = this.pools.pool;
    this.requests = this.pools.requests;
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

  /** Opens the connections start-up and the first job use (DatabasePools.warm); false when the database did not answer. */
  warm(): Promise<boolean> {
    return this.pools.warm();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pools.end();
  }
}

@Global()
@Module({ providers: [Database, { provide: DEPENDENCY_ERRORS, useValue: postgresFailure }], exports: [Database, DEPENDENCY_ERRORS] })
export class DatabaseModule {}
