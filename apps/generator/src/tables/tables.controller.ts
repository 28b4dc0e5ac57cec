import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CatalogEntry } from '@rowflow/contracts';
import { catalog } from '@rowflow/schema';
import { expectNoQuery } from '../common/no-input.js';

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
