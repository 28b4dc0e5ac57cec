import { Module } from '@nestjs/common';
import { ExportEvents } from './export-events.js';
import { ExportsController } from './exports.controller.js';
import { ExportsService } from './exports.service.js';

/** Checkpointed CSV exports: /api/exports API and, when JOB_WORKERS, the export runs and sweep. */
@Module({ controllers: [ExportsController], providers: [ExportsService, ExportEvents] })
export class ExportsModule {}
