import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Database } from '../database/database.module.js';

interface Health {
  status: 'ok' | 'degraded';
  database: 'up' | 'down';
  uptimeSec: number;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly db: Database) {}

  @Get()
  @ApiOkResponse({ description: 'Up, database reachable' })
  @ApiServiceUnavailableResponse({ description: 'Up, database unreachable' })
  async health(@Res({ passthrough: true }) res: Response): Promise<Health> {
    const up = await this.db.ping();
    if (!up) res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: up ? 'ok' : 'degraded', database: up ? 'up' : 'down', uptimeSec: Math.round(process.uptime()) };
  }
}
