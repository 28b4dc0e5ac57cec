import { Controller, Get, Param } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { JobVerifyResult, StoredJobManifest } from '@rowflow/export';
import { ManifestsService } from './manifests.service.js';

@ApiTags('jobs')
@Controller('api/jobs')
export class ManifestsController {
  constructor(private readonly manifests: ManifestsService) {}

  @Get(':id/manifest')
  @ApiOperation({ summary: "A completed job's manifest: spec hash, seed, and per table (every table of a dataset job) its row ranges with the sha256 of the CSV bytes generated for each" })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The job is not completed' })
  manifest(@Param('id') id: string): Promise<StoredJobManifest> {
    return this.manifests.manifest(id);
  }

  @Get(':id/verify')
  @ApiOperation({ summary: 'Check every loaded table against the generator per row range, in the database: {ok, tables, ranges, firstMismatch?} (the mismatch names its table)' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: "The job is not completed, or a table's spec has no key to match rows on" })
  verify(@Param('id') id: string): Promise<JobVerifyResult> {
    return this.manifests.verify(id);
  }
}
