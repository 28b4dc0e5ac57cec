import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiHeader, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '@rowflow/contracts';
import { checkInputKeys } from '@rowflow/schema';
import type { JobStatus } from '@rowflow/contracts';
import type { Response } from 'express';
import { expectBodyOnly, expectNoBody, expectNoQuery } from '../common/no-input.js';
import { ApiStreamResponse } from '@rowflow/platform-nest';
import { CreateJobDto, DeadLetterDto, JobStatusDto, ResumeJobDto } from './dto/job.dto.js';
import { JobEvents, parseLastEventId } from './job-events.js';
import { JobsService } from './jobs.service.js';

@ApiTags('jobs')
@Controller('api/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly events$: JobEvents,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a DB-insert job (202 + Location: /api/jobs/:id)' })
  @ApiAcceptedResponse({ type: JobStatusDto })
  @ApiBadRequestResponse({ description: 'Invalid body; the message names the field; no job is created' })
  @ApiConflictResponse({ description: 'mode=create and the target table exists' })
  async create(@Body() body: CreateJobDto, @Query() query: unknown, @Res({ passthrough: true }) res: Response): Promise<JobStatus> {
    expectBodyOnly(query);
    const status = await this.jobs.create(body as unknown);
    res.setHeader('Location', `/api/jobs/${status.id}`);
    return status;
  }

  @Get()
  @ApiOkResponse({ type: [JobStatusDto] })
  list(@Query() query: unknown): Promise<JobStatus[]> {
    expectNoQuery(query);
    return this.jobs.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: JobStatusDto })
  @ApiNotFoundResponse()
  get(@Param('id') id: string, @Query() query: unknown): Promise<JobStatus> {
    expectNoQuery(query);
    return this.jobs.get(id);
  }

  @Get(':id/dead-letters')
  @ApiOkResponse({ type: [DeadLetterDto] })
  @ApiNotFoundResponse()
  deadLetters(@Param('id') id: string, @Query() query: unknown): Promise<DeadLetterDto[]> {
    expectNoQuery(query);
    return this.jobs.deadLetters(id);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel: stops within one chunk; committed chunks stay' })
  @ApiAcceptedResponse({ type: JobStatusDto })
  @ApiConflictResponse({ description: 'The job already ended' })
  cancel(@Param('id') id: string, @Body() body: unknown): Promise<JobStatus> {
    expectNoBody(body);
    return this.jobs.cancel(id);
  }

  @Post(':id/resume')
  @HttpCode(202)
  @ApiOperation({ summary: "Resume a cancelled/failed job from each partition's next_row; body {maxDeadLetters?} sets a new dead-letter limit first" })
  @ApiBody({ type: ResumeJobDto, required: false })
  @ApiAcceptedResponse({ type: JobStatusDto })
  @ApiBadRequestResponse({ description: 'Unknown body key or a bad maxDeadLetters' })
  @ApiConflictResponse({ description: 'The job is already completed' })
  resume(@Param('id') id: string, @Body() body: unknown): Promise<JobStatus> {
    return this.jobs.resume(id, isEmptyBody(body) ? undefined : body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a finished job with its dead letters; ?dropTables=true also drops the tables it created (never by default)' })
  @ApiQuery({ name: 'dropTables', required: false, enum: ['true', 'false'] })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiBadRequestResponse({ description: 'Unknown query key or a bad dropTables value' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The job is queued or running, or a table cannot be dropped (nothing is deleted)' })
  async remove(@Param('id') id: string, @Query() query: Record<string, unknown>, @Body() body: unknown): Promise<void> {
    expectNoBody(body);
    await this.jobs.delete(id, dropTablesParam(query));
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'SSE: progress (throttled), then completed | failed | cancelled; id = rows written + skipped; `: heartbeat` comments' })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this many rows written + skipped' })
  @ApiStreamResponse('text/event-stream', '`event: progress` (data: the job status), then `completed` | `failed` | `cancelled`; works after the job ended')
  @ApiNotFoundResponse()
  async events(@Param('id') id: string, @Query() query: unknown, @Headers('last-event-id') lastEventId: string | undefined, @Res() res: Response): Promise<void> {
    expectNoQuery(query);
    await this.jobs.get(id); // unknown job → 404 (JSON) before the stream starts
    await this.events$.stream(id, parseLastEventId(lastEventId), res);
  }
}

/** `?dropTables=true|false` (default false); any other key or value is a 400 naming it. */
function dropTablesParam(query: Record<string, unknown>): boolean {
  checkInputKeys(query ?? {}, ['dropTables'], 'query');
  const raw = query?.dropTables;
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ValidationError('dropTables', `must be true or false, got ${JSON.stringify(raw)}`);
}

/** Express gives `{}` for a request without a body. */
function isEmptyBody(body: unknown): boolean {
  return body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);
}
