import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiNoContentResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { expectBodyOnly } from '../common/no-input.js';
import { DownloadBody, DownloadOk, DownloadQuery, PreviewBody, PreviewOk, PreviewQuery } from './dto/relay-params.dto.js';
import { RelayService } from './relay.service.js';

const BAD = ApiBadRequestResponse({ description: 'Bad input (`field` names it); nothing is fetched upstream' });

@ApiTags('relay')
@Controller('api/orchestrator')
export class RelayController {
  constructor(private readonly relay: RelayService) {}

  @Get('stream')
  @ApiOperation({ summary: 'Live preview of generated rows (SSE), relayed from the generator' })
  @ApiProduces('text/event-stream')
  @PreviewQuery()
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'EventSource reconnect: resume after this row (needs a pinned seed)' })
  @PreviewOk()
  @ApiNoContentResponse({ description: 'Last-Event-ID says the preview is complete: stop reconnecting' })
  @BAD
  async stream(@Query() query: Record<string, unknown>, @Headers('last-event-id') lastEventId: string | undefined, @Res() res: Response): Promise<void> {
    await this.relay.preview(this.relay.parsePreview(query), res, lastEventId);
  }

  @Post('stream')
  @HttpCode(200)
  @ApiOperation({ summary: 'Live preview (SSE) of a custom schema given as a JSON body' })
  @ApiProduces('text/event-stream')
  @PreviewBody()
  @PreviewOk()
  @BAD
  async streamCustom(@Body() body: unknown, @Query() query: unknown, @Res() res: Response): Promise<void> {
    expectBodyOnly(query);
    await this.relay.preview(this.relay.parsePreview(body, 'body'), res);
  }

  @Get('download/csv')
  @ApiOperation({ summary: 'Download generated rows as a CSV attachment, streamed from the generator' })
  @ApiProduces('text/csv')
  @DownloadQuery()
  @DownloadOk()
  @BAD
  async downloadCsv(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    await this.relay.download(this.relay.parseDownload(query), res);
  }

  @Post('download/csv')
  @HttpCode(200)
  @ApiOperation({ summary: 'CSV download of a custom schema given as a JSON body' })
  @ApiProduces('text/csv')
  @DownloadBody()
  @DownloadOk()
  @BAD
  async downloadCsvCustom(@Body() body: unknown, @Query() query: unknown, @Res() res: Response): Promise<void> {
    expectBodyOnly(query);
    await this.relay.download(this.relay.parseDownload(body, 'body'), res);
  }
}
