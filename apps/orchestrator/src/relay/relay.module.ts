import { Module } from '@nestjs/common';
import { GeneratorClientModule } from '../generator-client/generator-client.module.js';
import { DEFAULT_RELAY_OPTIONS, RELAY_OPTIONS } from './relay-options.js';
import { RelayController } from './relay.controller.js';
import { RelayService } from './relay.service.js';
import { OrchestratorTablesController } from './tables.controller.js';

/** SSE live preview and CSV download, relayed from the generator (issue 4). */
@Module({
  imports: [GeneratorClientModule],
  controllers: [RelayController, OrchestratorTablesController],
  providers: [RelayService, { provide: RELAY_OPTIONS, useValue: DEFAULT_RELAY_OPTIONS }],
  exports: [GeneratorClientModule, RelayService],
})
export class RelayModule {}
