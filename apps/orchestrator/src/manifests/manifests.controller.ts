import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { JobVerifyResult, StoredJobManifest } from '@rowflow/export';
import type { FidelityReport } from '@rowflow/schema';
import type { Response } from 'express';
import { expectNoQuery } from '../common/no-input.js';
import { FIDELITY_SCHEMA, JOB_MANIFEST_SCHEMA, JOB_VERIFY_SCHEMA } from './dto/manifest.dto.js';
import { ManifestsService } from './manifests.service.js';

@ApiTags('jobs')
@Controller('api/jobs')
export class ManifestsController {
  constructor(private readonly manifests: ManifestsService) {}

  @Get(':id/manifest')
  @ApiOperation({ summary: "A completed job's manifest: spec hash, seed, and per table (every table of a dataset job) its row ranges with the sha256 of the CSV bytes generated for each" })
  @ApiOkResponse({ schema: JOB_MANIFEST_SCHEMA })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The job is not completed' })
  manifest(@Param('id') id: string, @Query() query: unknown, @Res({ passthrough: true }) res: Response): Promise<StoredJobManifest> {
    expectNoQuery(query);
    return untilClientGone(res, (signal) => this.manifests.manifest(id, signal));
  }

  @Get(':id/verify')
  @ApiOperation({
    summary:
      'Check every loaded table against the generator, in the database: {ok, tables: [{table, method, rows, deadLettered, ok, firstMismatch?}], ranges, firstMismatch?}. ' +
      'A table with a key is checked per row range (method "ranges"), one without by row count + an order-independent checksum over all columns (method "checksum"); ' +
      "rows the job dead-lettered are not expected (\"172 match, 28 dead-lettered\")",
  })
  @ApiOkResponse({ schema: JOB_VERIFY_SCHEMA })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The job is not completed' })
  verify(@Param('id') id: string, @Query() query: unknown, @Res({ passthrough: true }) res: Response): Promise<JobVerifyResult> {
    expectNoQuery(query);
    return untilClientGone(res, (signal) => this.manifests.verify(id, signal));
  }

  @Get(':id/fidelity')
  @ApiOperation({
    summary:
      "Compare a completed job's tables with the statistics profile its spec carries: ANALYZEs them, then per column {nullDiff, distinctRatio, valueDistance?, histogramDistance?, widthRatio?, ok} and per foreign key {perParentMeanRatio, ok}",
  })
  @ApiOkResponse({ schema: FIDELITY_SCHEMA })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The job is not completed' })
  fidelity(@Param('id') id: string, @Query() query: unknown): Promise<FidelityReport> {
    expectNoQuery(query);
    return this.manifests.fidelity(id);
  }
}

/**
 * Runs `work` with a signal that fires when the client goes away: both regenerate every row of
 * the job, work that then stops. Its abort is no server error: there is nobody left to answer.
 */
async function untilClientGone<T>(res: Response, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const gone = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) gone.abort();
  };
  res.once('close', onClose);
  try {
    return await work(gone.signal);
  } catch (err) {
    if (gone.signal.aborted) return undefined as T;
    throw err;
  } finally {
    res.off('close', onClose);
  }
}
