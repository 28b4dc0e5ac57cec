import { pipeline } from 'node:stream/promises';
import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SEED_HEADER } from '@rowflow/contracts';
import { logger } from '@rowflow/platform';
import { ApiStreamResponse } from '@rowflow/platform-nest';
import { expectBodyOnly } from '@rowflow/schema';
import type { Response } from 'express';
import { StreamBodyDto } from './dto/stream-body.dto.js';
import { StreamQueryDto } from './dto/stream-query.dto.js';
import { type PreparedStream, StreamService } from './stream.service.js';

const log = logger('StreamController');

const NDJSON_OK = ApiStreamResponse('application/x-ndjson', 'One JSON object per line, streamed; X-Rowflow-Seed carries the seed used');
const CSV_OK = ApiStreamResponse('text/csv', 'RFC 4180 CSV (NULL = empty unquoted field), streamed; X-Rowflow-Seed carries the seed used');
const SQL_OK = ApiStreamResponse('application/sql', 'Batched INSERT statements (1000 rows each) into "public"."<table>", loadable with psql -f; X-Rowflow-Seed carries the seed used');
const PARQUET_OK = ApiStreamResponse('application/vnd.apache.parquet', 'A Parquet file with typed columns, written row group by row group; X-Rowflow-Seed carries the seed used');
const BAD = ApiBadRequestResponse({ description: 'Bad input, before the first byte; `field` names it' });

/** Lazy NDJSON/CSV/SQL/Parquet row streams. */
@ApiTags('generator')
@Controller('api/generator/stream')
export class StreamController {
  constructor(private readonly streams: StreamService) {}

  @Get('ndjson')
  @ApiProduces('application/x-ndjson')
  @NDJSON_OK
  @BAD
  async ndjson(@Query() query: StreamQueryDto, @Res() res: Response): Promise<void> {
    await this.send(this.streams.prepare(query, 'ndjson', 'query'), res);
  }

  @Get('csv')
  @ApiProduces('text/csv')
  @CSV_OK
  @BAD
  async csv(@Query() query: StreamQueryDto, @Res() res: Response): Promise<void> {
    await this.send(this.streams.prepare(query, 'csv', 'query'), res);
  }

  @Post('ndjson')
  @HttpCode(200)
  @ApiBody({ type: StreamBodyDto })
  @ApiProduces('application/x-ndjson')
  @NDJSON_OK
  @BAD
  async ndjsonCustom(@Body() body: StreamBodyDto, @Query() query: unknown, @Res() res: Response): Promise<void> {
    expectBodyOnly(query);
    await this.send(this.streams.prepare(body, 'ndjson', 'body'), res);
  }

  @Post('csv')
  @HttpCode(200)
  @ApiBody({ type: StreamBodyDto })
  @ApiProduces('text/csv')
  @CSV_OK
  @BAD
  async csvCustom(@Body() body: StreamBodyDto, @Query() query: unknown, @Res() res: Response): Promise<void> {
    expectBodyOnly(query);
    await this.send(this.streams.prepare(body, 'csv', 'body'), res);
  }

  @Get('sql')
  @ApiProduces('application/sql')
  @SQL_OK
  @BAD
  async sql(@Query() query: StreamQueryDto, @Res() res: Response): Promise<void> {
    await this.send(this.streams.prepare(query, 'sql', 'query'), res);
  }

  @Get('parquet')
  @ApiProduces('application/vnd.apache.parquet')
  @PARQUET_OK
  @BAD
  async parquet(@Query() query: StreamQueryDto, @Res() res: Response): Promise<void> {
    await this.send(this.streams.prepare(query, 'parquet', 'query'), res);
  }

  @Post('sql')
  @HttpCode(200)
  @ApiBody({ type: StreamBodyDto })
  @ApiProduces('application/sql')
  @SQL_OK
  @BAD
  async sqlCustom(@Body() body: StreamBodyDto, @Query() query: unknown, @Res() res: Response): Promise<void> {
    expectBodyOnly(query);
    await this.send(this.streams.prepare(body, 'sql', 'body'), res);
  }

  @Post('parquet')
  @HttpCode(200)
  @ApiBody({ type: StreamBodyDto })
  @ApiProduces('application/vnd.apache.parquet')
  @PARQUET_OK
  @BAD
  async parquetCustom(@Body() body: StreamBodyDto, @Query() query: unknown, @Res() res: Response): Promise<void> {
    expectBodyOnly(query);
    await this.send(this.streams.prepare(body, 'parquet', 'body'), res);
  }

  /** Streams with backpressure; a client that leaves aborts the pipeline, which destroys the generator. */
  private async send(prepared: PreparedStream, res: Response): Promise<void> {
    res.status(200);
    res.setHeader('Content-Type', prepared.contentType);
    res.setHeader(SEED_HEADER, String(prepared.seed));
    res.setHeader('Cache-Control', 'no-store');
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    try {
      await pipeline(prepared.stream, res, { signal: abort.signal });
    } catch (err) {
      // Client disconnects land here; the generator is already destroyed by pipeline.
      log.debug({ err: (err as Error).message, seed: prepared.seed }, 'stream ended early');
    }
  }
}
