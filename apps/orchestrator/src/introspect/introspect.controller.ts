import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { oa } from '@rowflow/platform-nest';
import { expectBodyOnly } from '../common/no-input.js';
import { type IntrospectResponse, IntrospectService, parseIntrospectRequest } from './introspect.service.js';

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
        schema: {
          oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
          description: 'A schema or a list of schemas (the first is the default of the dataset\'s tables). Default: TARGET_SCHEMA (public)',
        },
        tables: { type: 'array', items: { type: 'string' }, description: 'Only these tables (default: all)' },
        rows: { type: 'integer', default: 1000, description: 'Rows per table in the returned spec' },
        profile: { type: 'string', enum: ['stats'], description: 'Shape the spec like the source from its planner statistics (pg_class.reltuples, pg_stats); no row is read' },
        scale: { type: 'number', default: 1, description: "With profile: row counts are the source's times this" },
        copyValues: { type: 'string', enum: ['categorical', 'none'], default: 'categorical', description: 'With profile: copy the most common values of categorical, non-personal columns, or no literal at all' },
      },
    },
  })
  @ApiOkResponse({
    schema: oa.obj(
      {
        dataset: { type: 'object', description: 'A dataset spec, as POST /api/jobs {dataset} and the generator take it' },
        warnings: oa.array({ description: 'What could not be mapped faithfully, and what was done instead' }),
        profile: { type: 'object', description: "With profile: \"stats\": {tables: [{name, analyzed, sourceRows?, columns: [{name, copied}]}]}" },
      },
      ['profile'],
    ),
    description: '{dataset, warnings, profile?} — everything not mapped faithfully is a warning',
  })
  @ApiBadRequestResponse({ description: 'Bad body; `field` names it' })
  async introspect(@Body() body: unknown, @Query() query: unknown): Promise<IntrospectResponse> {
    expectBodyOnly(query);
    return this.introspection.introspect(parseIntrospectRequest(body ?? {}, this.introspection.defaultSchema));
  }
}
