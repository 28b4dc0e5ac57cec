import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { DatasetSpec } from '@rowflow/contracts';
import { datasetSpecJsonSchema } from '@rowflow/schema';

/** Body of `POST /api/generator/datasets/rows`. */
export class DatasetRowsBodyDto {
  @ApiProperty({ description: 'Catalog dataset name or a dataset spec {name, tables:[…]}', example: 'shop', oneOf: [{ type: 'string' }, datasetSpecJsonSchema('openapi-3.0')] })
  dataset!: string | DatasetSpec;

  @ApiPropertyOptional({ description: 'Seed; 0 or absent picks one (returned)', type: 'integer', example: 42 })
  seed?: number;
}
