import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiHeader, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { ExportStatus } from '@rowflow/contracts';
import type { ExportManifest, FileVerifyResult } from '@rowflow/export';
import type { Response } from 'express';
import { expectBodyOnly, expectNoBody, expectNoQuery } from '../common/no-input.js';
import { ApiStreamResponse } from '@rowflow/platform-nest';
import { CreateExportDto, EXPORT_MANIFEST_SCHEMA, ExportStatusDto, FILE_VERIFY_SCHEMA } from './dto/export.dto.js';
import { parseLastEventId } from '../jobs/job-events.js';
import { ExportEvents } from './export-events.js';
import { ExportsService } from './exports.service.js';

@ApiTags('exports')
@Controller('api/exports')
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly events$: ExportEvents,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Export a table or view to CSV or Parquet, checkpointed and resumable (202 + Location: /api/exports/:id)' })
  @ApiAcceptedResponse({ type: ExportStatusDto })
  @ApiBadRequestResponse({ description: 'Invalid body (unknown key, bad filter, unknown column …); the message names the field' })
  @ApiNotFoundResponse({ description: 'No such table or view in the target schema' })
  async create(@Body() body: CreateExportDto, @Query() query: unknown, @Res({ passthrough: true }) res: Response): Promise<ExportStatus> {
    expectBodyOnly(query);
    const status = await this.exports.create(body as unknown);
    res.setHeader('Location', `/api/exports/${status.id}`);
    return status;
  }

  @Get()
  @ApiOkResponse({ type: [ExportStatusDto] })
  list(@Query() query: unknown): Promise<ExportStatus[]> {
    expectNoQuery(query);
    return this.exports.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: ExportStatusDto })
  @ApiNotFoundResponse()
  get(@Param('id') id: string, @Query() query: unknown): Promise<ExportStatus> {
    expectNoQuery(query);
    return this.exports.get(id);
  }

  @Get(':id/file')
  @ApiProduces('text/csv', 'application/vnd.apache.parquet')
  @ApiOperation({ summary: 'The finished file (CSV, or Parquet for format "parquet"), streamed' })
  @ApiStreamResponse('text/csv', 'The file as an attachment, with Content-Length; its sha256 is in the status and the manifest (a Parquet export is served as application/vnd.apache.parquet)')
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Not completed yet' })
  async file(@Param('id') id: string, @Query() query: unknown, @Res() res: Response): Promise<void> {
    expectNoQuery(query);
    const f = await this.exports.download(id);
    res.status(200);
    res.setHeader('Content-Type', f.type);
    res.setHeader('Content-Length', String(f.size));
    res.setHeader('Content-Disposition', `attachment; filename="${f.name.replace(/[^\w.-]/g, '_')}"`);
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    await pipeline(createReadStream(f.path), res, { signal: abort.signal }).catch(() => undefined);
  }

  @Get(':id/manifest')
  @ApiOperation({ summary: "The export's manifest: file sha256, and per chunk its key range, offset, rows and sha256" })
  @ApiOkResponse({ schema: EXPORT_MANIFEST_SCHEMA })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Not completed yet' })
  manifest(@Param('id') id: string, @Query() query: unknown): Promise<ExportManifest> {
    expectNoQuery(query);
    return this.exports.manifest(id);
  }

  @Get(':id/verify')
  @ApiOperation({ summary: 'Re-hash the finished file against its manifest: {ok, chunks, bytes, sha256, firstMismatch?}' })
  @ApiOkResponse({ schema: FILE_VERIFY_SCHEMA })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Not completed yet' })
  verify(@Param('id') id: string, @Query() query: unknown): Promise<FileVerifyResult> {
    expectNoQuery(query);
    return this.exports.verify(id);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ExportStatusDto })
  @ApiConflictResponse({ description: 'The export already ended' })
  cancel(@Param('id') id: string, @Body() body: unknown): Promise<ExportStatus> {
    expectNoBody(body);
    return this.exports.cancel(id);
  }

  @Post(':id/resume')
  @HttpCode(202)
  @ApiOperation({ summary: 'Continue a cancelled/failed export from its checkpoints' })
  @ApiAcceptedResponse({ type: ExportStatusDto })
  @ApiConflictResponse({ description: 'Already completed' })
  resume(@Param('id') id: string, @Body() body: unknown): Promise<ExportStatus> {
    expectNoBody(body);
    return this.exports.resume(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an ended export: its files and its record' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Queued or running (cancel it first)' })
  async remove(@Param('id') id: string, @Query() query: unknown, @Body() body: unknown): Promise<void> {
    expectNoQuery(query);
    expectNoBody(body);
    await this.exports.delete(id);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'SSE: progress, then completed | failed | cancelled (data: the export status); id = rows written; `: heartbeat` comments' })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this many rows written' })
  @ApiStreamResponse('text/event-stream', '`event: progress` …, then `completed` | `failed` | `cancelled`; data: the export status as JSON')
  @ApiNotFoundResponse()
  async events(@Param('id') id: string, @Query() query: unknown, @Headers('last-event-id') lastEventId: string | undefined, @Res() res: Response): Promise<void> {
    expectNoQuery(query);
    await this.exports.get(id); // unknown export → 404 (JSON) before the stream starts
    await this.events$.stream(id, parseLastEventId(lastEventId), res);
  }
}
