import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CatalogEntry } from '@rowflow/contracts';
import { catalog, expectNoQuery } from '@rowflow/schema';

@ApiTags('generator')
@Controller('api/generator/tables')
export class TablesController {
  @Get()
  @ApiOkResponse({ description: 'Built-in tables: [{name, description, columns:[{name, type, …options}]}]' })
  list(@Query() query: unknown): CatalogEntry[] {
    expectNoQuery(query);
    return catalog;
  }
}
