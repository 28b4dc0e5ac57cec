import type { Readable } from 'node:stream';
import { type DatasetSpec, ValidationError } from '@rowflow/contracts';
import { datasetPgType, datasetTable, validateDatasetSpec } from '@rowflow/schema';
import { createCompiledRowStream, type RowStreamOptions, specPgTypes } from '../row-stream.js';
import { compileDatasetTable } from './dataset-columns.js';
import { datasetPlan } from './dataset-plan.js';

export interface DatasetRowStreamOptions extends Omit<RowStreamOptions, 'spec' | 'rows'> {
  /** A dataset spec (validated again here: cheap, and it resolves references). */
  dataset: DatasetSpec;
  table: string;
  /** Rows from `offset`; default: the rest of the table. `offset + rows` may not pass the table's rows. */
  rows?: number;
}

/** Checks the slice against the table's (possibly derived) row count; returns its row count. */
function sliceRows(total: number, offset: number, rows: number | undefined, table: string): number {
  if (offset > total) throw new ValidationError('offset', `table "${table}" has ${total} rows for this seed; offset ${offset} is past its end`);
  const n = rows ?? total - offset;
  if (offset + n > total) {
    throw new ValidationError('rows', `offset + rows = ${offset + n} exceeds the ${total} rows of "${table}" for this seed`);
  }
  return n;
}

/**
 * Lazy CSV/NDJSON stream of one table of a dataset: the same batching, seeking and byte
 * guarantees as `createRowStream`, with foreign keys holding real parent keys and per-parent
 * tables sized from the seed. Throws ValidationError before any byte for a bad spec or slice.
 */
export function createDatasetRowStream(opts: DatasetRowStreamOptions): Readable {
  const dataset = validateDatasetSpec(opts.dataset);
  const spec = datasetTable(dataset, opts.table);
  const table = spec.name;
  const plan = datasetPlan(dataset, opts.seed);
  const offset = opts.offset ?? 0;
  const rows = sliceRows(plan.rowsOf(table), offset, opts.rows, table);
  const columns = compileDatasetTable(plan, table);
  const pgTypes = specPgTypes(spec.columns, columns, (c) => datasetPgType(dataset, c));
  return createCompiledRowStream({ ...opts, table, columns, offset, rows, pgTypes });
}
