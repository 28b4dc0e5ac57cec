import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { expectBodyOnly } from '../common/no-input.js';
import { RelayService } from './relay.service.js';

const TABLE = ApiQuery({ name: 'table', required: false, description: 'Catalog table (GET /api/generator/tables); or give `schema`' });
const ROWS = (limit: string) => ApiQuery({ name: 'rows', required: true, type: Number, description: `Rows to generate, 1..${limit}` });
const SEED = ApiQuery({ name: 'seed', required: false, type: Number, description: '0/absent: the generator picks one (returned in X-Rowflow-Seed / complete)' });
const SCHEMA = ApiQuery({ name: 'schema', required: false, description: 'Custom table schema as JSON text (instead of table)' });
const STATS = ApiQuery({ name: 'stats', required: false, description: 'Live windowed stats spec as JSON text: adds `event: stats` / `quality` / `alert` (README "Event-time streams and live stats"); also rate, partitionBy, partitions, part' });
const BODY = ApiBody({
  description: 'Custom schema: `{schema, rows, seed?}` (or `{table, rows, seed?}`)',
  schema: {
    type: 'object',
    required: ['rows'],
    properties: { table: { type: 'string' }, schema: { type: 'object' }, rows: { type: 'integer' }, seed: { type: 'integer' } },
  },
});
const SSE_DOC = ApiOkResponse({
  description: 'text/event-stream: `event: data` {rows≤100, progress, total} with id=progress; `event: complete` {total, seed, elapsedMs}; `event: error` {message}; `: heartbeat` comments',
});
const CSV_DOC = ApiOkResponse({ description: 'text/csv attachment `<table>-<seed>.csv`, streamed; X-Rowflow-Seed header' });
const BAD = ApiBadRequestResponse({ description: '{statusCode, error, message} naming the field; nothing is fetched upstream' });

@ApiTags('relay')
@Controller('api/orchestrator')
export class RelayController {
  constructor(private readonly relay: RelayService) {}

  @Get('stream')
  @ApiOperation({ summary: 'Live preview of generated rows (SSE), relayed from the generator' })
  @ApiProduces('text/event-stream')
  @TABLE
  @ROWS('PREVIEW_MAX_ROWS')
  @SEED
  @SCHEMA
  @STATS
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'EventSource reconnect: resume after this row (needs a pinned seed)' })
  @SSE_DOC
  @ApiNoContentResponse({ description: 'Last-Event-ID says the preview is complete: stop reconnecting' })
  @BAD
  async stream(@Query() query: Record<string, unknown>, @Headers('last-event-id') lastEventId: string | undefined, @Res() res: Response): Promise<void> {
    await this.relay.preview(this.relay.parsePreview(query), res, lastEventId);
  }

  @Post('stream')
  @HttpCode(200)
  @ApiOperation({ summary: 'Live preview (SSE) of a custom schema given as a JSON body' })
  @ApiProduces('text/event-stream')
  @BODY
  @SSE_DOC
  @BAD
  async streamCustom(@Body() body: unknown, @Query() query: unknown, @Res() res: Response): Promise<void> {
    expectBodyOnly(query);
    await this.relay.preview(this.relay.parsePreview(body, 'body'), res);
  }

  @Get('download/csv')
  @ApiOperation({ summary: 'Download generated rows as a CSV attachment, streamed from the generator' })
  @ApiProduces('text/csv')
  @TABLE
  @ROWS('MAX_ROWS')
  @SEED
  @SCHEMA
  @CSV_DOC
  @BAD
  async downloadCsv(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    await this.relay.download(this.relay.parseDownload(query), res);
  }

  @Post('download/csv')
  @HttpCode(200)
  @ApiOperation({ summary: 'CSV download of a custom schema given as a JSON body' })
  @ApiProduces('text/csv')
  @BODY
  @CSV_DOC
  @BAD
  async downloadCsvCustom(@Body() body: unknown, @Query() query: unknown, @Res() res: Response): Promise<void> {
    expectBodyOnly(query);
    await this.relay.download(this.relay.parseDownload(body, 'body'), res);
  }
}
