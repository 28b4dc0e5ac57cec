import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';

/** The process's one pg pool. All SQL goes through repositories that take it. */
@Injectable()
export class Database implements OnApplicationShutdown {
  readonly pool: pg.Pool;
  constructor(@Inject(ORCHESTRATOR_CONFIG) config: OrchestratorConfig) {
    this.pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: config.WORKER_CONCURRENCY + 6 });
    // An idle client losing its server (Postgres restart) must not crash the process.
    this.pool.on('error', () => undefined);
  }

  /** True when a round trip to Postgres succeeds within `timeoutMs`. */
  async ping(timeoutMs = 2000): Promise<boolean> {
    const timeout = new Promise<boolean>((ok) => setTimeout(() => ok(false), timeoutMs).unref());
    const query = this.pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
    return Promise.race([query, timeout]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

@Global()
@Module({ providers: [Database], exports: [Database] })
export class DatabaseModule {}
