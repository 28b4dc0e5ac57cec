import { Module } from '@nestjs/common';
import { GeneratorClientModule } from '../generator-client/generator-client.module.js';
import { JobEvents } from './job-events.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';

/** DB-insert jobs: /api/jobs API and, when JOB_WORKERS, the partition workers. */
@Module({ imports: [GeneratorClientModule], controllers: [JobsController], providers: [JobsService, JobEvents] })
export class JobsModule {}
