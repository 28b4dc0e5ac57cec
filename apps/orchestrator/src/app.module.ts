import { type DynamicModule, Module } from '@nestjs/common';
import { HTTP_POLICY } from '@rowflow/platform-nest';
import { orchestratorHttpPolicy } from './common/http-policy.js';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from './config/orchestrator-config.js';
import { DATABASE_POOLS, DatabaseModule } from './database/database.module.js';
import type { DatabasePools } from './database/database-pools.js';
import { ExportsModule } from './exports/exports.module.js';
import { HealthController } from './health/health.controller.js';
import { IntrospectModule } from './introspect/introspect.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { RowThreads } from './jobs/row-threads.js';
import { ManifestsModule } from './manifests/manifests.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RelayModule } from './relay/relay.module.js';

/**
 * Root module; `register` takes the validated config so tests can boot it with their own, and
 * the row threads and database pools when `main` started them before loading the app.
 */
@Module({})
export class AppModule {
  static register(config: OrchestratorConfig, rowThreads = new RowThreads(config), pools: DatabasePools | null = null): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [DatabaseModule, MetricsModule, RelayModule, JobsModule, IntrospectModule, ExportsModule, ManifestsModule],
      controllers: [HealthController],
      providers: [
        { provide: ORCHESTRATOR_CONFIG, useValue: config },
        { provide: HTTP_POLICY, useValue: orchestratorHttpPolicy(config) },
        { provide: RowThreads, useValue: rowThreads },
        { provide: DATABASE_POOLS, useValue: pools },
      ],
      exports: [ORCHESTRATOR_CONFIG, RowThreads, DATABASE_POOLS],
    };
  }
}
