import { type DynamicModule, Module } from '@nestjs/common';
import { DEPENDENCY_ERRORS, HTTP_POLICY, noDependencyErrors } from '@rowflow/platform-nest';
import { generatorHttpPolicy } from './common/http-policy.js';
import { GENERATOR_CONFIG, type GeneratorConfig } from './config/generator-config.js';
import { DatasetsModule } from './datasets/datasets.module.js';
import { HealthController } from './health/health.controller.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { StreamModule } from './stream/stream.module.js';
import { TablesModule } from './tables/tables.module.js';

/** Root module; `register` takes the validated config so tests can boot it with their own. */
@Module({})
export class AppModule {
  static register(config: GeneratorConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [MetricsModule, TablesModule, DatasetsModule, StreamModule],
      controllers: [HealthController],
      providers: [
        { provide: GENERATOR_CONFIG, useValue: config },
        { provide: HTTP_POLICY, useValue: generatorHttpPolicy(config) },
        // No database: its errors are its own HttpExceptions.
        { provide: DEPENDENCY_ERRORS, useValue: noDependencyErrors },
      ],
      exports: [GENERATOR_CONFIG],
    };
  }
}
