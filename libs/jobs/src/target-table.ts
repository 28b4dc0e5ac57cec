import { type ColumnSpec, ConflictError, type JobMode, type TableSpec, ValidationError } from '@rowflow/contracts';
import { pgType, quoteIdent } from '@rowflow/schema';
import type pg from 'pg';
import { findRelation, findRelations, foreignReferrers, lockTargetName, lockTargetNames, namespaceOid, partitionsOutOfScope, RELKIND_NAMES, type TargetRelation, tableColumns, typeExists, typesNamed } from './target-catalog.js';
import { fitMismatches, type Mismatch, triggerFilledNotes, type ValueSource } from './target-fit.js';
import { qualify, type TargetRef } from './target-ref.js';

export interface CreateTableOptions {
  /**
   * Declare PRIMARY KEY / UNIQUE in the CREATE TABLE (default false: jobs load first and build
   * them afterwards, see ConstraintBuilder — maintaining B-trees row by row is the slow part).
   */
  inlineConstraints?: boolean;
  /** Type of a foreign key column (its parent key's type); default: the catalog's resolver. */
  columnType?: (c: ColumnSpec) => string;
  /** What generates each column (append/truncate check the existing columns against it); default: the column itself. */
  resolve?: (c: ColumnSpec) => ValueSource;
  /** `truncate`: the job's other targets, emptied in the same TRUNCATE (foreign keys between them do not stop it). */
  truncatedWith?: readonly TargetRef[];
}

/** An existing table that does not fit the generated rows: every mismatch, for reporting several tables at once. */
export class FitError extends ValidationError {
  constructor(
    readonly target: TargetRef,
    readonly mismatches: Mismatch[],
  ) {
    super('targetTable', `${qualify(target)} does not fit the generated rows: ${mismatches.map((m) => `${m.field}: ${m.message}`).join('; ')}`);
  }
}

/**
 * NOT NULL for every column that never generates NULL: no nullRatio, not a self-reference (the
 * first row has no earlier row to point at), not a member of an `exclusive` group (all but one
 * member are NULL per row). Checked while loading, which is cheap; a primary key needs it anyway.
 */
export function isNotNull(c: ColumnSpec, table: string, spec?: TableSpec): boolean {
  if (c.primaryKey) return true;
  if (c.nullRatio) return false;
  if (c.type === 'foreignKey' && c.references?.table === table) return false;
  const exclusive = (spec as { exclusive?: Array<{ columns: string[] }> } | undefined)?.exclusive ?? [];
  return !exclusive.some((g) => g.columns.includes(c.name));
}

/**
 * `CREATE TABLE "schema"."t"`: quoted identifiers, pgType types, NOT NULL on key columns;
 * PRIMARY KEY / UNIQUE only inline on request.
 */
export function createTableSql(target: TargetRef, spec: TableSpec, opts: CreateTableOptions = {}): string {
  const typeOf = opts.columnType ?? pgType;
  const cols = spec.columns.map((c) => {
    const unique = opts.inlineConstraints && c.unique && !c.primaryKey ? ' UNIQUE' : '';
    return `${quoteIdent(c.name)} ${typeOf(c)}${isNotNull(c, spec.name, spec) ? ' NOT NULL' : ''}${unique}`;
  });
  const pk = spec.columns.filter((c) => c.primaryKey).map((c) => quoteIdent(c.name));
  if (opts.inlineConstraints && pk.length) cols.push(`PRIMARY KEY (${pk.join(', ')})`);
  return `CREATE TABLE ${qualify(target)} (${cols.join(', ')})`;
}

/** `COPY "schema"."t" ("c1", …) FROM STDIN (FORMAT csv)` — columns in spec order, as the generator emits them. */
export function copySql(target: TargetRef, spec: TableSpec): string {
  return `COPY ${qualify(target)} (${spec.columns.map((c) => quoteIdent(c.name)).join(', ')}) FROM STDIN (FORMAT csv)`;
}

/** What prepareTarget left: the target's oid, and whether Rowflow created it (to record as its own). */
export interface PreparedTarget {
  oid: number;
  created: boolean;
  /** `truncate`: this table's entry of the one TRUNCATE the caller runs once every table is checked (`ONLY "s"."t"`). */
  truncate?: string;
  /** What the load relies on without the fit check proving it (a trigger filling a column). */
  notes?: string[];
}

/** A busy table must not hang the HTTP request that wants to truncate or drop it. */
const LOCK_TIMEOUT = '5s';
const TABLE_KINDS = new Set(['r', 'p']);

/**
 * Checks and prepares the target inside the caller's transaction — the same one that records
 * the job — so a refused job leaves neither a change nor a job row, and nothing changes before
 * every check passed:
 * - `create` makes the table; an existing one is a 409.
 * - `append` / `truncate` need an existing table that fits the generated columns (all mismatches
 *   reported); `truncate` then empties it, refused when other tables reference it (no CASCADE).
 * - `replace` drops and re-creates a table Rowflow created (recorded in rowflow.created_tables);
 *   an absent table is simply created.
 * Only relations of `ref.schema` are ever looked at or touched.
 */
export async function prepareTarget(c: pg.PoolClient, ref: TargetRef, spec: TableSpec, mode: JobMode, rows: number, ddl: CreateTableOptions = {}): Promise<PreparedTarget> {
  await c.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
  await lockTargetName(c, ref);
  const ns = await namespaceOid(c, ref.schema);
  if (ns === null) throw new ValidationError('targetTable', `the target schema "${ref.schema}" does not exist; create it or change TARGET_SCHEMA`);
  try {
    const rel = await findRelation(c, ns, ref.table);
    switch (mode) {
      case 'create':
        if (rel) throw existsError(ref, rel);
        return { oid: await create(c, ns, ref, spec, ddl), created: true };
      case 'replace':
        if (rel) await dropOwnTable(c, ns, ref, rel);
        return { oid: await create(c, ns, ref, spec, ddl), created: true };
      case 'append':
      case 'truncate':
        return await useExisting(c, ns, ref, rel, spec, mode, rows, ddl);
    }
  } catch (err) {
    throw translate(err, ref);
  }
}

/**
 * prepareTarget in mode `create` for every table of a job at once (all in one schema): the same
 * checks, answers and locks, in a fixed number of round trips instead of about eight per
 * table — a dataset of a thousand tables spent most of its POST in those.
 */
export async function prepareNewTables(c: pg.PoolClient, refs: TargetRef[], specs: TableSpec[], ddl: (index: number) => CreateTableOptions = () => ({})): Promise<PreparedTarget[]> {
  const schema = refs[0]!.schema;
  if (refs.some((r) => r.schema !== schema)) throw new Error('prepareNewTables: one schema at a time');
  await c.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
  await lockTargetNames(c, refs);
  const ns = await namespaceOid(c, schema);
  if (ns === null) throw new ValidationError('targetTable', `the target schema "${schema}" does not exist; create it or change TARGET_SCHEMA`);
  const names = refs.map((r) => r.table);
  try {
    const found = await findRelations(c, ns, names);
    const taken = refs.find((r) => found.has(r.table));
    if (taken) throw existsError(taken, found.get(taken.table)!);
    const types = await typesNamed(c, ns, names);
    const typed = refs.find((r) => types.has(r.table));
    if (typed) throw typeTakenError(typed);
    await c.query(refs.map((r, i) => createTableSql(r, specs[i]!, ddl(i))).join(';\n'));
    const made = await findRelations(c, ns, names);
    return refs.map((r) => ({ oid: made.get(r.table)!.oid, created: true }));
  } catch (err) {
    const msg = (err as { message?: string }).message ?? '';
    throw translate(err, refs.find((r) => msg.includes(`"${r.table}"`)) ?? refs[0]!);
  }
}

/** recordCreatedTable for many tables in one statement. */
export async function recordCreatedTables(c: pg.PoolClient, refs: TargetRef[], oids: number[], jobId: string): Promise<void> {
  if (!refs.length) return;
  await c.query(
    `INSERT INTO rowflow.created_tables (table_oid, schema_name, table_name, job_id)
     SELECT o, s, t, $4 FROM unnest($1::oid[], $2::text[], $3::text[]) AS r(o, s, t)
     ON CONFLICT (table_oid) DO UPDATE SET schema_name = excluded.schema_name, table_name = excluded.table_name, job_id = excluded.job_id, created_at = now()`,
    [oids, refs.map((r) => r.schema), refs.map((r) => r.table), jobId],
  );
}

/** Remembers a table as Rowflow's, so a later `replace` may drop it. */
export async function recordCreatedTable(c: pg.PoolClient, ref: TargetRef, oid: number, jobId: string): Promise<void> {
  await c.query(
    `INSERT INTO rowflow.created_tables (table_oid, schema_name, table_name, job_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (table_oid) DO UPDATE SET schema_name = excluded.schema_name, table_name = excluded.table_name, job_id = excluded.job_id, created_at = now()`,
    [oid, ref.schema, ref.table, jobId],
  );
}

/**
 * A job table's oid when the job was created, over `rowflow.job_tables t` joined to
 * `rowflow.jobs j`: jobs from before each table's oid was recorded keep the first table's in
 * `jobs.target_oid`; NULL when not recorded at all (such tables are not checked).
 */
export const RECORDED_TABLE_OID = 'coalesce(t.target_oid, CASE WHEN t.index = 0 THEN j.target_oid END)';

/**
 * Refuses to go on with a job whose targets are no longer the tables it was prepared for: one
 * dropped, or dropped and re-made (by a later "replace" job, say) — its rows would land in a
 * table nobody checked for them. Every table of the job is checked (a dataset job has several);
 * tables of jobs from before the oids were recorded are not.
 */
export async function requireSameTarget(c: pg.PoolClient, jobId: string): Promise<void> {
  const res = await c.query<{ target_schema: string; target_table: string; target_oid: string | null; current_oid: string | null }>(
    `SELECT t.target_schema, t.target_table, ${RECORDED_TABLE_OID}::text AS target_oid, r.oid::text AS current_oid
     FROM rowflow.jobs j
     JOIN rowflow.job_tables t ON t.job_id = j.id
     LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = t.target_schema
     LEFT JOIN pg_catalog.pg_class r ON r.relnamespace = n.oid AND r.relname = t.target_table
     WHERE j.id = $1
     ORDER BY t.index`,
    [jobId],
  );
  for (const row of res.rows) {
    if (row.target_oid === null || row.target_oid === row.current_oid) continue;
    const what = qualify({ schema: row.target_schema, table: row.target_table });
    if (row.current_oid === null) throw new ConflictError(`job ${jobId}: its target table ${what} no longer exists; start a new job`);
    throw new ConflictError(`job ${jobId}: its target table ${what} was dropped and re-created since the job started; start a new job`);
  }
}

function notATable(ref: TargetRef, rel: TargetRelation): ValidationError {
  return new ValidationError('targetTable', `${qualify(ref)} is a ${RELKIND_NAMES[rel.kind] ?? `relation of kind ${rel.kind}`}, not a table; jobs load only into tables`);
}

function existsError(ref: TargetRef, rel: TargetRelation): Error {
  if (!TABLE_KINDS.has(rel.kind)) return notATable(ref, rel);
  return new ConflictError(`targetTable: table ${qualify(ref)} already exists; use mode "append", "truncate" or (for a table Rowflow created) "replace"`, 'targetTable');
}

function typeTakenError(ref: TargetRef): ConflictError {
  return new ConflictError(`targetTable: a type named ${qualify(ref)} already exists; a table needs that name for its row type`, 'targetTable');
}

async function create(c: pg.PoolClient, ns: number, ref: TargetRef, spec: TableSpec, ddl: CreateTableOptions): Promise<number> {
  if (await typeExists(c, ns, ref.table)) throw typeTakenError(ref);
  await c.query(createTableSql(ref, spec, ddl));
  const made = await findRelation(c, ns, ref.table);
  return made!.oid;
}

async function requireNoOpenJob(c: pg.PoolClient, ref: TargetRef, mode: JobMode): Promise<void> {
  const res = await c.query<{ id: string }>(
    `SELECT j.id FROM rowflow.jobs j JOIN rowflow.job_tables t ON t.job_id = j.id
     WHERE t.target_schema = $1 AND t.target_table = $2 AND j.state IN ('queued', 'running') ORDER BY j.created_at LIMIT 1`,
    [ref.schema, ref.table],
  );
  const id = res.rows[0]?.id;
  if (id) throw new ConflictError(`targetTable: job ${id} is still loading ${qualify(ref)}; cancel it (or let it finish) before a "${mode}" job`, 'targetTable');
}

/**
 * `replace`: drops the existing table only when it is the very table (oid) Rowflow created.
 * DROP TABLE resolves the name again when it runs, so the table is locked (and its oid compared)
 * before the check: otherwise a table dropped and re-made by someone else in between would be
 * the one dropped.
 */
async function dropOwnTable(c: pg.PoolClient, ns: number, ref: TargetRef, found: TargetRelation): Promise<void> {
  if (!TABLE_KINDS.has(found.kind)) throw notATable(ref, found);
  const rel = await lockExclusive(c, ns, ref, found);
  const own = await c.query('SELECT 1 FROM rowflow.created_tables WHERE table_oid = $1 AND schema_name = $2 AND table_name = $3', [rel.oid, ref.schema, ref.table]);
  if (!own.rowCount) {
    throw new ValidationError('targetTable', `${qualify(ref)} was not created by Rowflow, so mode "replace" will not drop it; use "append" or "truncate", or drop it yourself`);
  }
  await requireNoOpenJob(c, ref, 'replace');
  await c.query(`DROP TABLE ${qualify(ref)}`); // RESTRICT: dependent views or foreign keys stop it
  await c.query('DELETE FROM rowflow.created_tables WHERE table_oid = $1', [rel.oid]);
}

async function useExisting(c: pg.PoolClient, ns: number, ref: TargetRef, found: TargetRelation | null, spec: TableSpec, mode: JobMode, rows: number, ddl: CreateTableOptions): Promise<PreparedTarget> {
  if (!found) throw new ValidationError('targetTable', `table ${qualify(ref)} does not exist; use mode "create"`);
  if (!TABLE_KINDS.has(found.kind)) throw notATable(ref, found);
  const rel = mode === 'truncate' ? await lockExclusive(c, ns, ref, found) : found;
  if (rel.kind === 'p') {
    const outside = await partitionsOutOfScope(c, rel.oid, ns);
    if (outside.length) throw new ValidationError('targetTable', `${qualify(ref)} has partitions outside the target schema or not plain tables (${outside.join(', ')}); Rowflow writes only into "${ref.schema}"`);
  }
  const columns = await tableColumns(c, rel.oid);
  const mismatches = fitMismatches(spec, rows, columns, ddl.resolve);
  if (mismatches.length) throw new FitError(ref, mismatches);
  const notes = triggerFilledNotes(spec, columns).map((n) => `${qualify(ref)}: ${n}`);
  const kept = { oid: rel.oid, created: false, ...(notes.length ? { notes } : {}) };
  if (mode === 'truncate') return { ...kept, truncate: await truncateEntry(c, ref, rel, ddl.truncatedWith ?? []) };
  return kept;
}

/** Takes the lock TRUNCATE needs before checking, so the table checked is the table emptied. */
async function lockExclusive(c: pg.PoolClient, ns: number, ref: TargetRef, rel: TargetRelation): Promise<TargetRelation> {
  await c.query(`LOCK TABLE ${qualify(ref)} IN ACCESS EXCLUSIVE MODE`);
  const now = await findRelation(c, ns, ref.table);
  if (!now || now.oid !== rel.oid) throw new ConflictError(`targetTable: ${qualify(ref)} was replaced while being checked; try again`, 'targetTable');
  return now;
}

/**
 * Checks a table may be emptied and returns its entry of the job's one TRUNCATE. Foreign keys
 * from tables the same job truncates do not stop it (one TRUNCATE empties them together); any
 * other referrer does — Rowflow never truncates with CASCADE.
 */
async function truncateEntry(c: pg.PoolClient, ref: TargetRef, rel: TargetRelation, together: readonly TargetRef[]): Promise<string> {
  const referrers = (await foreignReferrers(c, rel.oid)).filter((r) => !together.some((t) => t.schema === r.schema && t.table === r.table));
  if (referrers.length) {
    throw new ValidationError('targetTable', `${qualify(ref)} is referenced by foreign keys from ${referrers.map((r) => r.label).join(', ')}; Rowflow never truncates with CASCADE — empty those tables yourself, or use mode "append"`);
  }
  await requireNoOpenJob(c, ref, 'truncate');
  // ONLY: inheritance children may live in other schemas. A partitioned table cannot take ONLY;
  // its partitions were checked to be in the target schema.
  return `${rel.kind === 'p' ? '' : 'ONLY '}${qualify(ref)}`;
}

/** Postgres refusals about the target become field errors instead of a 500. */
function translate(err: unknown, ref: TargetRef): unknown {
  const e = err as { code?: string; message?: string; detail?: string };
  if (e.code === '42501') return new ValidationError('targetTable', `${e.message} — grant Rowflow's database role the privileges on schema "${ref.schema}" it needs`);
  if (e.code === '55P03') return new ConflictError(`targetTable: ${qualify(ref)} is locked by another session (waited ${LOCK_TIMEOUT}); try again`, 'targetTable');
  if (e.code === '2BP01') return new ValidationError('targetTable', `${qualify(ref)} cannot be dropped: ${e.detail ?? e.message}`);
  // Another session created the name after the check: CREATE TABLE then waits for it and fails
  // on the catalog's unique index (or with 42P07). The same answer as a table there before.
  if (e.code === '42P07' || (e.code === '23505' && /^pg_(class|type)_/.test((e as { constraint?: string }).constraint ?? ''))) {
    return new ConflictError(`targetTable: ${qualify(ref)} was created by another session meanwhile; use mode "append" or "truncate", or another name`, 'targetTable');
  }
  return err;
}
