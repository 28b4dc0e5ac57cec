import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { MemoryReport } from '@rowflow/platform';
import { MEMORY_SCHEMA, oa } from '@rowflow/platform-nest';
import type { Response } from 'express';
import { Database } from '../database/database.module.js';
import { MetricsService } from '../metrics/metrics.service.js';

interface Health {
  status: 'ok' | 'degraded';
  database: 'up' | 'down';
  uptimeSec: number;
  /** Heap and RSS; over budget, new previews/downloads get 503 and job chunks shrink. */
  memory: MemoryReport;
}

const HEALTH_SCHEMA = oa.obj({ status: oa.str(undefined, { enum: ['ok', 'degraded'] }), database: oa.str(undefined, { enum: ['up', 'down'] }), uptimeSec: oa.int(), memory: MEMORY_SCHEMA });

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Database,
    private readonly metrics: MetricsService,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'Up, database reachable', schema: HEALTH_SCHEMA })
  @ApiServiceUnavailableResponse({ description: 'Up, database unreachable: the same body with status degraded, database down', schema: HEALTH_SCHEMA })
  async health(@Res({ passthrough: true }) res: Response): Promise<Health> {
    const up = await this.db.ping();
    if (!up) res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: up ? 'ok' : 'degraded', database: up ? 'up' : 'down', uptimeSec: Math.round(process.uptime()), memory: this.metrics.memory.report() };
  }
}
