import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { MemoryReport } from '@rowflow/platform';
import { MEMORY_SCHEMA, oa } from '@rowflow/platform-nest';
import { MetricsService } from '../metrics/metrics.service.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @ApiOkResponse({ schema: oa.obj({ status: oa.str(undefined, { enum: ['ok'] }), uptimeSec: oa.int(), memory: MEMORY_SCHEMA }), description: 'The generator is up; `memory` has heap, RSS and the budget (over budget: new streams get 503)' })
  health(): { status: 'ok'; uptimeSec: number; memory: MemoryReport } {
    return { status: 'ok', uptimeSec: Math.round(process.uptime()), memory: this.metrics.memory.report() };
  }
}
