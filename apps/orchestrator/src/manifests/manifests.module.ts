import { Module } from '@nestjs/common';
import { ManifestsController } from './manifests.controller.js';
import { ManifestsService } from './manifests.service.js';

/** Job manifests and verify (GET /api/jobs/:id/manifest, /verify). */
@Module({ controllers: [ManifestsController], providers: [ManifestsService] })
export class ManifestsModule {}
