import { Module } from '@nestjs/common';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';
import { GeneratorClientModule } from '../generator-client/generator-client.module.js';
import { DEFAULT_RELAY_OPTIONS, RELAY_OPTIONS } from './relay-options.js';
import { RelayController } from './relay.controller.js';
import { RelayService } from './relay.service.js';
import { OrchestratorTablesController } from './tables.controller.js';

/** SSE live preview and CSV download, relayed from the generator. */
@Module({
  imports: [GeneratorClientModule],
  controllers: [RelayController, OrchestratorTablesController],
  providers: [
    RelayService,
    { provide: RELAY_OPTIONS, inject: [ORCHESTRATOR_CONFIG], useFactory: (c: OrchestratorConfig) => ({ ...DEFAULT_RELAY_OPTIONS, heartbeatMs: c.SSE_HEARTBEAT_MS }) },
  ],
  exports: [GeneratorClientModule, RelayService],
})
export class RelayModule {}
