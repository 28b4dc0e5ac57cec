import { type ColumnSpec, ConflictError, type JobMode, type TableSpec, ValidationError } from '@rowflow/contracts';
import { pgType, quoteIdent } from '@rowflow/schema';
import type pg from 'pg';

export interface CreateTableOptions {
  /**
   * Declare PRIMARY KEY / UNIQUE in the CREATE TABLE (default false: jobs load first and build
   * them afterwards, see ConstraintBuilder — maintaining B-trees row by row is the slow part).
   */
  inlineConstraints?: boolean;
  /** Type of a foreign key column (its parent key's type); default: the catalog's resolver. */
  columnType?: (c: ColumnSpec) => string;
}

/**
 * Key columns are NOT NULL from the start: cheap to check while loading, and a primary key
 * needs it. A self-reference stays nullable (the first row has no earlier row to point at).
 */
export function isNotNull(c: ColumnSpec, table: string): boolean {
  if (c.primaryKey) return true;
  if (c.nullRatio) return false;
  return Boolean(c.unique) || (c.type === 'foreignKey' && c.references?.table !== table);
}

/** `CREATE TABLE` for a spec: quoted identifiers, pgType types, NOT NULL on key columns; PK/UNIQUE only inline on request. */
export function createTableSql(target: string, spec: TableSpec, opts: CreateTableOptions = {}): string {
  const typeOf = opts.columnType ?? pgType;
  const cols = spec.columns.map((c) => {
    const unique = opts.inlineConstraints && c.unique && !c.primaryKey ? ' UNIQUE' : '';
    return `${quoteIdent(c.name)} ${typeOf(c)}${isNotNull(c, spec.name) ? ' NOT NULL' : ''}${unique}`;
  });
  const pk = spec.columns.filter((c) => c.primaryKey).map((c) => quoteIdent(c.name));
  if (opts.inlineConstraints && pk.length) cols.push(`PRIMARY KEY (${pk.join(', ')})`);
  return `CREATE TABLE ${quoteIdent(target)} (${cols.join(', ')})`;
}

/** `COPY "t" ("c1", …) FROM STDIN (FORMAT csv)` — columns in spec order, as the generator emits them. */
export function copySql(target: string, spec: TableSpec): string {
  return `COPY ${quoteIdent(target)} (${spec.columns.map((c) => quoteIdent(c.name)).join(', ')}) FROM STDIN (FORMAT csv)`;
}

async function exists(client: pg.PoolClient, target: string): Promise<boolean> {
  const res = await client.query<{ oid: string | null }>('SELECT to_regclass($1) AS oid', [quoteIdent(target)]);
  return res.rows[0]?.oid !== null;
}

/**
 * Prepares the target table inside the caller's transaction (so a failure leaves neither a table
 * nor a job row): `create` makes it and refuses an existing one (409), `append` requires it
 * (400 naming targetTable), `truncate` requires and empties it.
 */
export async function prepareTarget(client: pg.PoolClient, target: string, spec: TableSpec, mode: JobMode, ddl: CreateTableOptions = {}): Promise<void> {
  const present = await exists(client, target);
  switch (mode) {
    case 'create':
      if (present) throw new ConflictError(`targetTable: table "${target}" already exists; use mode "append" or "truncate"`);
      await client.query(createTableSql(target, spec, ddl));
      return;
    case 'append':
    case 'truncate':
      if (!present) throw new ValidationError('targetTable', `table "${target}" does not exist; use mode "create"`);
      if (mode === 'truncate') await client.query(`TRUNCATE ${quoteIdent(target)}`);
      return;
  }
}
