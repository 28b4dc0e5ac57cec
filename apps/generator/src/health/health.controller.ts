import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { MemoryReport } from '@rowflow/platform';
import { MetricsService } from '../metrics/metrics.service.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @ApiOkResponse({ description: 'The generator is up; `memory` has heap, RSS and the budget (over budget: new streams get 503)' })
  health(): { status: 'ok'; uptimeSec: number; memory: MemoryReport } {
    return { status: 'ok', uptimeSec: Math.round(process.uptime()), memory: this.metrics.memory.report() };
  }
}
