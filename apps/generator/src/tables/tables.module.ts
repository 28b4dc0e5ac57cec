import { Module } from '@nestjs/common';
import { TablesController } from './tables.controller.js';

@Module({ controllers: [TablesController] })
export class TablesModule {}
