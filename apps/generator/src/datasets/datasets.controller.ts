import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type DatasetCatalogEntry, rejectUnknownKeys, ValidationError } from '@rowflow/contracts';
import { datasetRowCounts, resolveSeed } from '@rowflow/generator';
import { datasetCatalog, datasetSpecJsonSchema, expectBodyOnly, expectNoQuery, type JsonSchema, resolveDataset, tableSpecJsonSchema } from '@rowflow/schema';
import { DATASET_CATALOG_SCHEMA, DATASET_ROWS_SCHEMA, DatasetRowsBodyDto, SPEC_SCHEMAS_SCHEMA } from './dto/dataset-rows-body.dto.js';

export interface DatasetRows {
  seed: number;
  tables: { name: string; rows: number; derived: boolean }[];
}

/** JSON Schemas (draft 2020-12) of table and dataset specs, generated from the validating zod schema. */
@ApiTags('generator')
@Controller('api/generator/spec-schema')
export class SpecSchemaController {
  private readonly schemas = { table: tableSpecJsonSchema(), dataset: datasetSpecJsonSchema() };

  @Get()
  @ApiOkResponse({ schema: SPEC_SCHEMAS_SCHEMA, description: '{table, dataset}: JSON Schemas for editors and clients (cross-field rules such as min <= max are checked by the server only)' })
  get(@Query() query: unknown): { table: JsonSchema; dataset: JsonSchema } {
    expectNoQuery(query);
    return this.schemas;
  }
}

/** Built-in datasets and the row counts a dataset gets for a seed. */
@ApiTags('generator')
@Controller('api/generator/datasets')
export class DatasetsController {
  @Get()
  @ApiOkResponse({ schema: DATASET_CATALOG_SCHEMA, description: 'Built-in datasets: [{name, description, tables:[{name, rows | perParent, columns}], foreignKeys}]' })
  list(@Query() query: unknown): DatasetCatalogEntry[] {
    expectNoQuery(query);
    return datasetCatalog;
  }

  @Post('rows')
  @HttpCode(200)
  @ApiBody({ type: DatasetRowsBodyDto })
  @ApiOkResponse({ schema: DATASET_ROWS_SCHEMA, description: '{seed, tables:[{name, rows, derived}]}: per-parent tables are sized by the seed' })
  @ApiBadRequestResponse({ description: 'Bad body; `field` names it' })
  rows(@Body() body: DatasetRowsBodyDto, @Query() query: unknown): DatasetRows {
    expectBodyOnly(query);
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    rejectUnknownKeys(input, ['dataset', 'seed']);
    const dataset = resolveDataset(input.dataset);
    if (input.seed !== undefined && (typeof input.seed !== 'number' || !Number.isSafeInteger(input.seed) || input.seed < 0)) {
      throw new ValidationError('seed', `must be an integer >= 0 (0 or absent picks one), got ${JSON.stringify(input.seed)}`);
    }
    const seed = resolveSeed(input.seed as number | undefined);
    const counts = datasetRowCounts(dataset, seed);
    return { seed, tables: dataset.tables.map((t) => ({ name: t.name, rows: counts[t.name] ?? 0, derived: t.perParent !== undefined })) };
  }
}
