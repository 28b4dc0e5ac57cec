import type { ColumnSpec, TableSpec } from '@rowflow/contracts';
import { type ColumnOptions, columnSchema, unknownTypeMessage } from './spec/column-schema.js';
import { PER_PARENT_DISTRIBUTIONS } from './spec/per-parent-distributions.js';
import { tableSchema } from './spec/table-schema.js';
import { type DiscriminatorMessages, parseOrThrow, specIssues } from './spec/zod-issues.js';

export { parseIsoInstant } from './spec/iso-instant.js';
export type { ColumnOptions } from './spec/column-schema.js';

/** Messages for a discriminator that matches no variant (`type` of a column, `distribution` of perParent). */
export const DISCRIMINATOR_MESSAGES: DiscriminatorMessages = {
  type: unknownTypeMessage,
  distribution: (v) => `must be one of ${PER_PARENT_DISTRIBUTIONS.join(', ')}, got ${JSON.stringify(v)}`,
};

/**
 * Validates a user-supplied table schema (POST bodies, the catalog) against the one zod schema
 * of table specs and returns a clean copy. Unknown keys are rejected with a "did you mean";
 * every error is a `ValidationError` naming the field, e.g. `schema.columns[2].type`.
 */
export function validateTableSpec(input: unknown, field = 'schema'): TableSpec {
  return parseOrThrow(tableSchema, input, field, DISCRIMINATOR_MESSAGES);
}

const columnSchemas = { standalone: columnSchema(), inDataset: columnSchema({ inDataset: true }) };

/** Validates one column; `field` is its path, e.g. `schema.columns[3]`. */
export function validateColumn(raw: unknown, field: string, opts: ColumnOptions = {}): ColumnSpec {
  return parseOrThrow(opts.inDataset ? columnSchemas.inDataset : columnSchemas.standalone, raw, field, DISCRIMINATOR_MESSAGES);
}

/**
 * All problems of a table spec as `{field, message}` (fields relative to `field`, '' = the spec
 * itself), for editors that show every error at once. Empty when `validateTableSpec` accepts it.
 */
export function tableSpecIssues(input: unknown, field = ''): { field: string; message: string }[] {
  return specIssues(tableSchema, input, field, DISCRIMINATOR_MESSAGES);
}
