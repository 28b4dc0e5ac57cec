import { Controller, Get, Param } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { JobManifest, JobVerifyResult } from '@rowflow/export';
import { ManifestsService } from './manifests.service.js';

@ApiTags('jobs')
@Controller('api/jobs')
export class ManifestsController {
  constructor(private readonly manifests: ManifestsService) {}

  @Get(':id/manifest')
  @ApiOperation({ summary: "A completed job's manifest: spec hash, seed, row ranges, sha256 of the CSV bytes generated for each range" })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The job is not completed' })
  manifest(@Param('id') id: string): Promise<JobManifest> {
    return this.manifests.manifest(id);
  }

  @Get(':id/verify')
  @ApiOperation({ summary: 'Check the loaded table against the generator per row range, in the database: {ok, ranges, firstMismatch?}' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The job is not completed, or its spec has no key to match rows on' })
  verify(@Param('id') id: string): Promise<JobVerifyResult> {
    return this.manifests.verify(id);
  }
}
