import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { DatasetSpec } from '@rowflow/contracts';
import { oa } from '@rowflow/platform-nest';
import { datasetSpecJsonSchema } from '@rowflow/schema';

/** Body of `POST /api/generator/datasets/rows`. */
export class DatasetRowsBodyDto {
  @ApiProperty({ description: 'Catalog dataset name or a dataset spec {name, tables:[…]}', example: 'shop', oneOf: [{ type: 'string' }, datasetSpecJsonSchema('openapi-3.0')] })
  dataset!: string | DatasetSpec;

  @ApiPropertyOptional({ description: 'Seed; 0 or absent picks one (returned)', type: 'integer', example: 42 })
  seed?: number;
}

/** 200 of `POST /api/generator/datasets/rows`. */
export const DATASET_ROWS_SCHEMA = oa.obj({
  seed: oa.int('The seed used (picked when 0 or absent)'),
  tables: oa.array(oa.obj({ name: oa.str(), rows: oa.int(), derived: oa.bool('Sized per parent row, so by the seed') })),
});

/** 200 of `GET /api/generator/datasets`. */
export const DATASET_CATALOG_SCHEMA = oa.array(
  oa.obj({
    name: oa.str(),
    description: oa.str(),
    tables: oa.array({ type: 'object', description: 'A dataset table {name, rows | perParent, columns}' }),
    foreignKeys: oa.array(oa.obj({ table: oa.str(), column: oa.str(), references: oa.obj({ table: oa.str(), column: oa.str() }), notNull: oa.bool(), self: oa.bool() })),
  }),
);

/** 200 of `GET /api/generator/spec-schema`: two JSON Schemas (draft 2020-12). */
export const SPEC_SCHEMAS_SCHEMA = oa.obj({ table: { type: 'object', description: 'JSON Schema of a table spec' }, dataset: { type: 'object', description: 'JSON Schema of a dataset spec' } });
