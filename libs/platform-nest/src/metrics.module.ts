import { Controller, type DynamicModule, Get, Header, Inject, type MiddlewareConsumer, Module, type NestModule, type Type } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { StreamMetrics } from '@rowflow/platform';
import type { NextFunction, Request, Response } from 'express';
import type { Registry } from 'prom-client';
import { METRICS_CONTENT } from './openapi-schemas.js';

/** What an app's metrics service gives the shared module: its own registry and its request counter. */
export interface ProcessMetrics {
  readonly registry: Registry;
  readonly streams: StreamMetrics;
}

const PROCESS_METRICS = Symbol('PROCESS_METRICS');

@ApiTags('metrics')
@Controller()
class MetricsController {
  constructor(@Inject(PROCESS_METRICS) private readonly metrics: ProcessMetrics) {}

  /** Prometheus text exposition. */
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOkResponse({ description: 'Prometheus metrics (text format 0.0.4)', content: METRICS_CONTENT })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

/**
 * GET /metrics and per-endpoint request counts for an app whose metrics service (its own
 * registry, so several apps in one test process don't collide) is `service`; the service is
 * global, for the features that report to it.
 */
@Module({})
export class ProcessMetricsModule implements NestModule {
  constructor(@Inject(PROCESS_METRICS) private readonly metrics: ProcessMetrics) {}

  static for(service: Type<ProcessMetrics>): DynamicModule {
    return {
      module: ProcessMetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [service, { provide: PROCESS_METRICS, useExisting: service }],
      exports: [service],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply((req: Request, res: Response, next: NextFunction) => {
        this.metrics.streams.countRequest({ req, res });
        next();
      })
      .forRoutes('{*splat}');
  }
}
