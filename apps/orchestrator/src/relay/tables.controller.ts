import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CatalogEntry } from '@rowflow/contracts';
import { CATALOG_SCHEMA } from '@rowflow/platform-nest';
import { catalog } from '@rowflow/schema';
import { expectNoQuery } from '../common/no-input.js';

/**
 * The catalog for the web page, served from the same @rowflow/schema build the generator uses,
 * so the page never needs to reach the generator (which is not exposed to browsers).
 */
@ApiTags('relay')
@Controller('api/orchestrator/tables')
export class OrchestratorTablesController {
  @Get()
  @ApiOkResponse({ schema: CATALOG_SCHEMA, description: 'Built-in tables: [{name, description, columns:[{name, type, …options}]}]' })
  list(@Query() query: unknown): CatalogEntry[] {
    expectNoQuery(query);
    return catalog;
  }
}
