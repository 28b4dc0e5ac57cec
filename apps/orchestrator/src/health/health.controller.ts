import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { MemoryReport } from '@rowflow/platform';
import { MEMORY_SCHEMA, oa } from '@rowflow/platform-nest';
import type { Response } from 'express';
import { Database } from '../database/database.module.js';
import { RowThreads, type RowThreadsState } from '../jobs/row-threads.js';
import { MetricsService } from '../metrics/metrics.service.js';

interface Health {
  status: 'ok' | 'degraded';
  database: 'up' | 'down';
  uptimeSec: number;
  /** Heap and RSS; over budget, new previews/downloads get 503 and job chunks shrink. */
  memory: MemoryReport;
  /**
   * The job row threads: `warming` for the first seconds after start (a job started then
   * shares the cores with their start), `warm`, or `off` when jobs do not generate here on
   * threads. Informational: the status code does not wait for it.
   */
  rowThreads: RowThreadsState;
}

const HEALTH_SCHEMA = oa.obj({
  status: oa.str(undefined, { enum: ['ok', 'degraded'] }),
  database: oa.str(undefined, { enum: ['up', 'down'] }),
  uptimeSec: oa.int(),
  memory: MEMORY_SCHEMA,
  rowThreads: oa.str(undefined, { enum: ['off', 'warming', 'warm'] }),
});

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Database,
    private readonly metrics: MetricsService,
    private readonly rowThreads: RowThreads,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'Up, database reachable', schema: HEALTH_SCHEMA })
  @ApiServiceUnavailableResponse({ description: 'Up, database unreachable: the same body with status degraded, database down', schema: HEALTH_SCHEMA })
  async health(@Res({ passthrough: true }) res: Response): Promise<Health> {
    const up = await this.db.ping();
    if (!up) res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: up ? 'ok' : 'degraded',
      database: up ? 'up' : 'down',
      uptimeSec: Math.round(process.uptime()),
      memory: this.metrics.memory.report(),
      rowThreads: this.rowThreads.state,
    };
  }
}
