import { z } from 'zod';
import { columnSchema } from './column-schema.js';
import { datasetSchema, tableSchema } from './table-schema.js';

/** `draft-2020-12` for JSON Schema users and editors, `openapi-3.0` for the Swagger document. */
export type JsonSchemaTarget = 'draft-2020-12' | 'openapi-3.0';
export type JsonSchema = Record<string, unknown>;

// Input side: defaults are optional keys and transforms (e.g. references.rows' default) are
// what a user writes; cross-field rules (min <= max …) are not expressible and stay in the code.
function toJson(schema: z.ZodType, target: JsonSchemaTarget): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', target, unrepresentable: 'any' }) as JsonSchema;
}

/** JSON Schema of a table spec `{name, description?, columns}`, generated from the zod schema. */
export function tableSpecJsonSchema(target: JsonSchemaTarget = 'draft-2020-12'): JsonSchema {
  return toJson(tableSchema, target);
}

/** JSON Schema of a dataset spec `{name, description?, tables}`. */
export function datasetSpecJsonSchema(target: JsonSchemaTarget = 'draft-2020-12'): JsonSchema {
  return toJson(datasetSchema, target);
}

/** JSON Schema of one column of a standalone table. */
export function columnSpecJsonSchema(target: JsonSchemaTarget = 'draft-2020-12'): JsonSchema {
  return toJson(columnSchema(), target);
}
