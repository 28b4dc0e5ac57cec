import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { METRICS_CONTENT } from '@rowflow/platform-nest';
import { MetricsService } from './metrics.service.js';

@ApiTags('metrics')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Prometheus text exposition. */
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOkResponse({ description: 'Prometheus metrics (text format 0.0.4)', content: METRICS_CONTENT })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
