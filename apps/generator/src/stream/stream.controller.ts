import { pipeline } from 'node:stream/promises';
import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SEED_HEADER } from '@rowflow/contracts';
import { logger } from '@rowflow/platform';
import { expectBodyOnly } from '@rowflow/schema';
import type { Response } from 'express';
import { StreamBodyDto } from './dto/stream-body.dto.js';
import { StreamQueryDto } from './dto/stream-query.dto.js';
import { type PreparedStream, StreamService } from './stream.service.js';

const log = logger('StreamController');

/** Lazy NDJSON/CSV/SQL/Parquet row streams. */
@ApiTags('generator')
@Controller('api/generator/stream')
export class StreamController {
  constructor(private readonly streams: StreamService) {}

  @Get('ndjson')
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'One JSON object per line; X-Rowflow-Seed carries the seed used' })
  @ApiBadRequestResponse({ description: '{statusCode, error, message} naming the bad field' })
  async ndjson(@Query() query: StreamQueryDto, @Res() res: Response): Promise<void> {
    await this.send(this.streams.prepare(query, 'ndjson', 'query'), res);
  }

  @Get('csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'RFC 4180 CSV (NULL = empty unquoted field); X-Rowflow-Seed carries the seed used' })
  @ApiBadRequestResponse({ description: '{statusCode, error, message} naming the bad field' })
  async csv(@Query() query: StreamQueryDto, @Res() res: Response): Promise<void> {
    await this.send(this.streams.prepare(query, 'csv', 'query'), res);
  }

  @Post('ndjson')
  @HttpCode(200)
  @ApiBody({ type: StreamBodyDto })
  @ApiProduces('application/x-ndjson')
  @ApiBadRequestResponse({ description: '{statusCode, error, message} naming the bad field' })
  async ndjsonCustom(@Body() body: StreamBodyDto, @Query() query: unknown, @Res() res: Response): Promise<void> {
    expectBodyOnly(query);
    await this.send(this.streams.prepare(body, 'ndjson', 'body'), res);
  }

  @Post('csv')
  @HttpCode(200)
  @ApiBody({ type: StreamBodyDto })
  @ApiProduces('text/csv')
  @ApiBadRequestResponse({ description: '{statusCode, error, message} naming the bad field' })
  async csvCustom(@Body() body: StreamBodyDto, @Query() query: unknown, @Res() res: Response): Promise<void> {
    expectBodyOnly(query);
    await this.send(this.streams.prepare(body, 'csv', 'body'), res);
  }

  @Get('sql')
  @ApiProduces('application/sql')
  @ApiOkResponse({ description: 'Batched INSERT statements (1000 rows each) into "public"."<table>", loadable with psql -f; X-Rowflow-Seed carries the seed used' })
  @ApiBadRequestResponse({ description: '{statusCode, error, message} naming the bad field' })
  async sql(@Query() query: StreamQueryDto, @Res() res: Response): Promise<void> {
    await this.send(this.streams.prepare(query, 'sql', 'query'), res);
  }

  @Get('parquet')
  @ApiProduces('application/vnd.apache.parquet')
  @ApiOkResponse({ description: 'A Parquet file with typed columns, written row group by row group; X-Rowflow-Seed carries the seed used' })
  @ApiBadRequestResponse({ description: '{statusCode, error, message} naming the bad field' })
  async parquet(@Query() query: StreamQueryDto, @Res() res: Response): Promise<void> {
    await this.send(this.streams.prepare(query, 'parquet', 'query'), res);
  }

  @Post('sql')
  @HttpCode(200)
  @ApiBody({ type: StreamBodyDto })
  @ApiProduces('application/sql')
  @ApiBadRequestResponse({ description: '{statusCode, error, message} naming the bad field' })
  async sqlCustom(@Body() body: StreamBodyDto, @Query() query: unknown, @Res() res: Response): Promise<void> {
    expectBodyOnly(query);
    await this.send(this.streams.prepare(body, 'sql', 'body'), res);
  }

  @Post('parquet')
  @HttpCode(200)
  @ApiBody({ type: StreamBodyDto })
  @ApiProduces('application/vnd.apache.parquet')
  @ApiBadRequestResponse({ description: '{statusCode, error, message} naming the bad field' })
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
