import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CatalogEntry } from '@rowflow/contracts';
import { CATALOG_SCHEMA } from '@rowflow/platform-nest';
import { catalog, expectNoQuery } from '@rowflow/schema';

@ApiTags('generator')
@Controller('api/generator/tables')
export class TablesController {
  @Get()
  @ApiOkResponse({ schema: CATALOG_SCHEMA, description: 'Built-in tables: [{name, description, columns:[{name, type, …options}]}]' })
  list(@Query() query: unknown): CatalogEntry[] {
    expectNoQuery(query);
    return catalog;
  }
}
