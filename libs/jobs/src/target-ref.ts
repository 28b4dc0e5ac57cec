import { ValidationError } from '@rowflow/contracts';
import { isIdentifier, quoteIdent } from '@rowflow/schema';

/**
 * A job's target: one table in the configured target schema. Every statement Rowflow runs on a
 * user table names it through `qualify`, so nothing depends on `search_path` (which always
 * includes `pg_catalog` implicitly — an unqualified `pg_authid` would resolve there).
 */
export interface TargetRef {
  schema: string;
  table: string;
}

/** The schema Rowflow keeps its own job tables in: never a target. */
export const JOB_SCHEMA = 'rowflow';
/** pg-boss's schema (its default name), the job queue: never a target either. */
export const QUEUE_SCHEMA = 'pgboss';
export const DEFAULT_TARGET_SCHEMA = 'public';

/** `"schema"."table"`, both quoted (embedded quotes doubled). */
export function qualify(ref: TargetRef): string {
  return `${quoteIdent(ref.schema)}.${quoteIdent(ref.table)}`;
}

/** Why a schema may not be TARGET_SCHEMA, or null when it may. */
export function targetSchemaProblem(schema: string): string | null {
  if (!isIdentifier(schema)) return 'must be a valid identifier (1..63 bytes, no NUL)';
  const lower = schema.toLowerCase();
  if (lower === JOB_SCHEMA) return `"${JOB_SCHEMA}" holds Rowflow's own job tables`;
  if (lower === QUEUE_SCHEMA) return `"${QUEUE_SCHEMA}" holds Rowflow's job queue (pg-boss)`;
  if (lower === 'information_schema' || lower.startsWith('pg_')) return `"${schema}" is a PostgreSQL system schema`;
  return null;
}

/**
 * TARGET_SCHEMA as configured: one schema or a comma-separated list (`public,sales,person`), each
 * checked like a single one. The list is the whole write scope; the first is the default.
 * The error names every refused entry.
 */
export function parseTargetSchemas(raw: string | readonly string[]): string[] {
  const list = (typeof raw === 'string' ? raw.split(',') : [...raw]).map((s) => s.trim());
  const problems = list.flatMap((s) => {
    const problem = s === '' ? 'is empty' : targetSchemaProblem(s);
    if (!problem) return [];
    return [problem.includes(`"${s}"`) ? problem : `"${s}" ${problem}`];
  });
  const twice = list.filter((s, i) => list.indexOf(s) !== i);
  if (twice.length) problems.push(`lists ${twice.map((s) => `"${s}"`).join(', ')} twice`);
  if (problems.length) throw new Error(`TARGET_SCHEMA ${problems.join('; ')}`);
  return list;
}

/**
 * Why a table name may not be a target, or null when it may. The name is always one identifier,
 * taken literally and always quoted: it is never parsed as `schema.table`, and quotes inside it
 * are doubled, so no name can reach another schema. Names with a dot are refused all the same:
 * whoever sends `rowflow.jobs` or `a"."b` means another schema's table, and silently creating a
 * table literally called that would hide the mistake. `pg_` names are refused because they are
 * what PostgreSQL's catalogs are called (`pg_authid`): such a request is aimed at a catalog.
 */
export function targetTableProblem(table: string): string | null {
  if (!isIdentifier(table)) return 'must be a valid identifier (1..63 bytes, no NUL)';
  if (table.includes('.')) return `"${table}" contains a dot: give a bare table name; jobs write only into the target schema`;
  if (table.toLowerCase().startsWith('pg_')) return `"${table}" starts with pg_, which is reserved for PostgreSQL's system catalogs`;
  return null;
}

/** A checked TargetRef; ValidationError naming `targetTable` when the table name is refused. */
export function targetRef(schema: string, table: string): TargetRef {
  const problem = targetTableProblem(table);
  if (problem) throw new ValidationError('targetTable', problem);
  const schemaProblem = targetSchemaProblem(schema);
  if (schemaProblem) throw new Error(`TARGET_SCHEMA ${schemaProblem}`); // config, checked at boot
  return { schema, table };
}
