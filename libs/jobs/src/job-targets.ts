import { ValidationError } from '@rowflow/contracts';
import type pg from 'pg';
import { columnSources, columnTypes } from './column-sources.js';
import { loadOrder } from './dataset-job.js';
import { continueKeys } from './key-continuation.js';
import type { JobDefinition } from './job-spec.js';
import type { TargetRef } from './target-ref.js';
import { FitError, prepareNewTables, prepareTarget } from './target-table.js';

/** What preparing a job's targets left: per table the oid, and the oid again when Rowflow created it. */
export interface PreparedTargets {
  created: Array<number | null>;
  oids: number[];
  /** What the load relies on without a check proving it, one sentence each (the job's `warnings`). */
  warnings: string[];
}

/**
 * prepareTarget for every table of a job, inside the caller's transaction. Each column resolves
 * the same way in every mode (columnSources). Existing tables that do not fit are all checked
 * and reported together — every mismatch of every table in one 400 — and since the caller's
 * transaction then rolls back, a truncate done for an earlier table is undone. `append` then
 * continues the keys of populated tables (continueKeys).
 */
export async function prepareJobTargets(c: pg.PoolClient, def: JobDefinition, targets: TargetRef[]): Promise<PreparedTargets> {
  // New tables in one schema: a fixed number of round trips for all of them (a thousand-table
  // dataset spent most of its POST preparing tables one by one); nothing to fit or continue.
  if (def.mode === 'create' && targets.every((t) => t.schema === targets[0]!.schema)) {
    const made = await prepareNewTables(c, targets, def.tables.map((t) => t.schema), (i) => ({ columnType: columnTypes(def, i) }));
    return { created: made.map((p) => p.oid), oids: made.map((p) => p.oid), warnings: [...(def.warnings ?? [])] };
  }
  const sources = columnSources(def);
  const created: Array<number | null> = def.tables.map(() => null);
  const oids: number[] = def.tables.map(() => 0);
  const misfits: Array<{ index: number; err: FitError }> = [];
  const truncates: string[] = [];
  const warnings: string[] = [...(def.warnings ?? [])];
  for (const i of prepareOrder(def)) {
    const t = def.tables[i]!;
    try {
      const p = await prepareTarget(c, targets[i]!, t.schema, def.mode, t.rows, { columnType: columnTypes(def, i), resolve: sources(i), truncatedWith: targets });
      if (p.truncate) truncates.push(p.truncate);
      warnings.push(...(p.notes ?? []));
      created[i] = p.created ? p.oid : null;
      oids[i] = p.oid;
    } catch (err) {
      if (!(err instanceof FitError)) throw err;
      misfits.push({ index: i, err });
    }
  }
  if (misfits.length) throw misfitError(def, misfits);
  if (truncates.length) await c.query(`TRUNCATE ${truncates.join(', ')}`);
  await continueKeys(c, def, targets);
  return { created, oids, warnings };
}

function misfitError(def: JobDefinition, misfits: Array<{ index: number; err: FitError }>): ValidationError {
  if (!def.dataset) return misfits[0]!.err;
  misfits.sort((a, b) => a.index - b.index);
  const field = `dataset.tables[${misfits[0]!.index}]`;
  const count = misfits.reduce((n, m) => n + m.err.mismatches.length, 0);
  const detail = misfits.map((m) => `dataset.tables[${m.index}] ${m.err.message.replace(/^targetTable: /, '')}`).join(' | ');
  return new ValidationError(field, `${misfits.length} of ${def.tables.length} tables do not fit the generated rows (${count} mismatches): ${detail}`);
}

/** Table order for prepareTarget: children first for `replace` (a parent's DROP would fail on the foreign key a previous run left on its child), else as given. */
function prepareOrder(def: JobDefinition): number[] {
  const order = def.tables.map((_, i) => i);
  if (def.mode !== 'replace') return order;
  const parents = loadOrder(def.tables.map((t) => t.schema), true);
  const done: number[] = [];
  const visit = (i: number, path: Set<number>): void => {
    if (done.includes(i) || path.has(i)) return; // a cycle keeps the given order
    path.add(i);
    parents[i]!.forEach((p) => visit(p, path));
    done.push(i);
  };
  order.forEach((i) => visit(i, new Set()));
  return done.reverse();
}
