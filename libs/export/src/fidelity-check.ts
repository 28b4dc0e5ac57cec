import { compareFidelity, type FidelityReport, type FidelityThresholds, quoteIdent, type TableStats } from '@rowflow/schema';
import type { DatasetSpec } from '@rowflow/contracts';
import { withSession } from '@rowflow/pg';
import type pg from 'pg';
import { readTableStats } from './pg-stats-reader.js';

/** Where a dataset table was loaded: schema and table name. */
export interface LoadedTable {
  table: string;
  targetSchema: string;
  targetTable: string;
}

/**
 * ANALYZEs the loaded tables (fresh statistics of the generated rows), reads their statistics and
 * compares them with the profile the dataset spec carries.
 */
export async function checkFidelity(pool: pg.Pool, dataset: DatasetSpec, loaded: LoadedTable[], thresholds?: FidelityThresholds): Promise<FidelityReport> {
  await withSession(pool, async (client) => {
    for (const t of loaded) await client.query(`ANALYZE ${quoteIdent(t.targetSchema)}.${quoteIdent(t.targetTable)}`);
  });
  const target = new Map<string, TableStats>();
  const bySchema = new Map<string, LoadedTable[]>();
  for (const t of loaded) bySchema.set(t.targetSchema, [...(bySchema.get(t.targetSchema) ?? []), t]);
  for (const [schema, tables] of bySchema) {
    const stats = await readTableStats(pool, schema, tables.map((t) => t.targetTable));
    for (const t of tables) {
      const s = stats.find((x) => x.name === t.targetTable);
      if (s) target.set(t.table, s);
    }
  }
  return compareFidelity(dataset, target, thresholds);
}

/** One query's plan shape on the source and on the generated database (`EXPLAIN (COSTS OFF)`). */
export interface PlanComparison {
  query: string;
  same: boolean;
  source?: string;
  generated?: string;
}

async function plan(pool: pg.Pool, schema: string, query: string): Promise<string> {
  return withSession(pool, async (client) => {
    await client.query('BEGIN READ ONLY');
    try {
      await client.query(`SET LOCAL search_path = ${quoteIdent(schema)}`);
      const res = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${query}`);
      return res.rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await client.query('ROLLBACK');
    }
  });
}

/** Plan shapes of each query on both databases (read-only transactions; EXPLAIN without ANALYZE runs nothing). */
export async function comparePlans(source: { pool: pg.Pool; schema: string }, generated: { pool: pg.Pool; schema: string }, queries: string[]): Promise<PlanComparison[]> {
  const out: PlanComparison[] = [];
  for (const query of queries) {
    const [a, b] = [await plan(source.pool, source.schema, query), await plan(generated.pool, generated.schema, query)];
    out.push({ query, same: a === b, ...(a === b ? {} : { source: a, generated: b }) });
  }
  return out;
}

/** Statements of a `.sql` file: split at semicolons outside quotes; comments and blanks dropped. */
export function splitQueries(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (const line of text.split('\n')) {
    const body: string = quote ? line : line.replace(/--.*$/, '');
    for (const ch of body) {
      if (quote) {
        if (ch === quote) quote = null;
      } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === ';') {
        if (cur.trim()) out.push(cur.trim());
        cur = '';
        continue;
      }
      cur += ch;
    }
    cur += '\n';
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
