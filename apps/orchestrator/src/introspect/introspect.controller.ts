import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { IntrospectResult } from '@rowflow/schema';
import { expectBodyOnly } from '../common/no-input.js';
import { IntrospectService, parseIntrospectRequest } from './introspect.service.js';

@ApiTags('introspect')
@Controller('api/introspect')
export class IntrospectController {
  constructor(private readonly introspection: IntrospectService) {}

  @Post()
  @HttpCode(200)
  @ApiBody({
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        schema: { type: 'string', description: 'Default: TARGET_SCHEMA (public)' },
        tables: { type: 'array', items: { type: 'string' }, description: 'Only these tables (default: all)' },
        rows: { type: 'integer', default: 1000, description: 'Rows per table in the returned spec' },
      },
    },
  })
  @ApiOkResponse({ description: '{dataset: <dataset spec>, warnings: [string]} — everything not mapped faithfully is a warning' })
  @ApiBadRequestResponse({ description: '{statusCode, error, message, field}' })
  async introspect(@Body() body: unknown, @Query() query: unknown): Promise<IntrospectResult> {
    expectBodyOnly(query);
    return this.introspection.introspect(parseIntrospectRequest(body ?? {}, this.introspection.defaultSchema));
  }
}
