import { type ColumnSpec, type DatasetSpec, ValidationError } from '@rowflow/contracts';
import { validateDatasetSpec } from '../dataset/validate-dataset-spec.js';
import { replaceColumn, type TableState, without } from './table-state.js';

/** Rounds of "validate, degrade the table named in the error"; each round removes one problem. */
const MAX_ROUNDS = 200;

const AT = /^dataset\.tables\[(\d+)\](?:\.(columns)\[(\d+)\]|\.(compositeKey|perParent|rows)|\.(uniqueKeys|foreignKeys|exclusive)\[(\d+)\])?/;

type TableOption = 'uniqueKeys' | 'foreignKeys' | 'exclusive';

/**
 * Validates the dataset built from `states`; when a table's part does not validate, that part is
 * degraded (a column falls back to its plain generator, or is left out; a composite key or
 * per-parent sizing is dropped; at last the table itself is left out) with a warning quoting the
 * error, and the rest is validated again. One odd table never makes the whole schema a 400.
 */
export function validateDegrading(states: TableState[], name: string, warnings: string[]): DatasetSpec {
  let live = states;
  for (let round = 0; ; round++) {
    const dataset: DatasetSpec = { name, tables: live.map((s) => s.spec) };
    try {
      return validateDatasetSpec(structuredClone(dataset), 'dataset');
    } catch (err) {
      const m = err instanceof ValidationError ? AT.exec(err.field) : null;
      const s = m ? live[Number(m[1])] : undefined;
      if (!m || !s || round >= MAX_ROUNDS) throw err;
      const what = (err as Error).message.replace(/^dataset\.tables\[\d+\]\.?/, '');
      if (m[2]) degradeColumn(s, Number(m[3]), what, warnings);
      else if (m[5]) dropOption(s, m[5] as TableOption, Number(m[6]), what, warnings);
      else if (m[4] === 'compositeKey') {
        delete s.spec.compositeKey;
        warnings.push(`${s.cat.name}: composite key not generated (${what}); duplicates may violate it`);
      } else if (m[4] === 'perParent') {
        delete s.spec.perParent;
        s.spec.rows = s.rows;
        warnings.push(`${s.cat.name}: not sized per parent row (${what}); duplicates may violate its key`);
      } else live = dropTable(live, s, what, warnings);
    }
  }
}

/** An entry of uniqueKeys / foreignKeys / exclusive that did not validate: left out, warned. */
function dropOption(s: TableState, key: TableOption, index: number, what: string, warnings: string[]): void {
  const list = s.spec[key] as { columns: string[] }[] | undefined;
  const entry = list?.[index];
  list?.splice(index, 1);
  if (list?.length === 0) delete s.spec[key];
  warnings.push(`${s.cat.name} (${entry?.columns.join(', ') ?? '?'}): ${key} entry not generated (${what}); rows may violate the constraint`);
}

/** A column that did not validate: its plain generator (no key, no reference), else left out. */
function degradeColumn(s: TableState, index: number, what: string, warnings: string[]): void {
  const col = s.spec.columns[index] as ColumnSpec;
  const plain = s.original.get(col.name);
  const fallback = plain && without(plain, 'primaryKey', 'unique');
  const same = fallback && JSON.stringify(fallback) === JSON.stringify(without(col, 'nullRatio'));
  if (fallback && !same && fallback.type !== 'foreignKey') {
    replaceColumn(s, fallback);
    warnings.push(`${s.cat.name}.${col.name}: generated as plain ${fallback.type} (${what}); the constraint on it may be violated`);
    return;
  }
  s.spec.columns.splice(index, 1);
  if (s.spec.compositeKey?.columns.includes(col.name)) delete s.spec.compositeKey;
  warnings.push(`${s.cat.name}.${col.name}: left out (${what}); the database default or NULL fills it`);
  if (s.spec.columns.length === 0) s.spec.columns.push({ name: col.name, type: 'text', nullRatio: 1 });
}

/** Leaves a table out; columns elsewhere that referenced it fall back to their plain generators. */
function dropTable(live: TableState[], s: TableState, what: string, warnings: string[]): TableState[] {
  warnings.push(`${s.cat.name}: left out of the dataset (${what})`);
  const rest = live.filter((t) => t !== s);
  for (const t of rest) {
    if (t.spec.perParent?.table === s.cat.name) {
      delete t.spec.perParent;
      t.spec.rows = t.rows;
    }
    for (const c of t.spec.columns) {
      if (c.type !== 'foreignKey' || c.references?.table !== s.cat.name) continue;
      const plain = t.original.get(c.name);
      if (plain) replaceColumn(t, without(plain, 'primaryKey', 'unique'));
      warnings.push(`${t.cat.name}.${c.name}: references ${s.cat.name}, which is left out: values are not coordinated`);
    }
  }
  return rest;
}
