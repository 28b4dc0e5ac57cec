import type { ColumnSpec } from '@rowflow/contracts';
import { quoteIdent } from '@rowflow/schema';
import type pg from 'pg';
import type { JobDefinition } from './job-spec.js';
import { qualify, type TargetRef } from './target-ref.js';

/** Key columns whose values count up from a start (serial, int/bigint sequences): the ones a max() tells where to go on. */
function countingKeys(columns: readonly ColumnSpec[]): Array<{ name: string; start: number }> {
  return columns.flatMap((c) => {
    if (c.type === 'serial') return [{ name: c.name, start: c.min ?? 1 }];
    if ((c.type === 'int' || c.type === 'bigint') && c.mode === 'sequence') return [{ name: c.name, start: c.min ?? 0 }];
    return [];
  });
}

/**
 * The key offset that makes rows appended to a populated table continue its keys: at least the
 * row count (rows Rowflow loaded before with the same spec hold key rows 0..count-1, uuid and
 * email keys included), and past the largest value of every counting key (a table filled by
 * someone else). Read inside the job's transaction.
 */
export async function detectKeyOffset(c: pg.PoolClient, target: TargetRef, columns: readonly ColumnSpec[]): Promise<number> {
  const keys = countingKeys(columns);
  const maxes = keys.map((k, i) => `max(${quoteIdent(k.name)})::text AS m${i}`);
  const res = await c.query<Record<string, string | null>>(`SELECT count(*)::text AS n${maxes.map((m) => `, ${m}`).join('')} FROM ${qualify(target)}`);
  const row = res.rows[0]!;
  const past = keys.map((k, i) => (row[`m${i}`] === null ? 0 : Number(row[`m${i}`]) - k.start + 1));
  return Math.max(Number(row.n), 0, ...past);
}

/**
 * `append`: fills `keyOffset` of every table whose spec does not set one (a given keyOffset is
 * the user's word and kept), in the stored table spec and — for a dataset job — in the stored
 * dataset, which is what the rows are generated from (children then point at the new parent rows).
 */
export async function continueKeys(c: pg.PoolClient, def: JobDefinition, targets: readonly TargetRef[]): Promise<void> {
  if (def.mode !== 'append') return;
  for (const [i, t] of def.tables.entries()) {
    if (t.schema.keyOffset !== undefined) continue;
    const offset = await detectKeyOffset(c, targets[i]!, t.schema.columns);
    t.schema.keyOffset = offset;
    const inDataset = def.dataset?.tables.find((d) => d.name === t.name && d.schema === t.targetSchema);
    if (inDataset) inDataset.keyOffset = offset;
  }
}
