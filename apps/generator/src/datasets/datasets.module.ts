import { Module } from '@nestjs/common';
import { DatasetsController, SpecSchemaController } from './datasets.controller.js';

@Module({ controllers: [DatasetsController, SpecSchemaController] })
export class DatasetsModule {}
