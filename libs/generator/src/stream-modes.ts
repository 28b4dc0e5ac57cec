import type { TableSpec } from '@rowflow/contracts';
import { changeStreamColumns } from './change-stream.js';
import type { CompiledColumn } from './column.js';
import { withDuplicates } from './duplicates.js';

/** Table-level stream options on top of the compiled columns: change events, then duplicates. */
export function applyStreamModes(spec: TableSpec, seed: number, columns: CompiledColumn[]): CompiledColumn[] {
  let out = spec.changeStream ? changeStreamColumns(spec, columns, seed) : columns;
  if (spec.duplicateRatio) out = withDuplicates(out, seed, spec.name, spec.duplicateRatio);
  return out;
}
