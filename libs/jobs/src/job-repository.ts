import { ConflictError, type DatasetSpec, type DeadLetter, type JobMode, type JobPhase, type JobState, type JobStatus, type JobTableStatus, NotFoundError, type PartitionStatus, type TableSpec } from '@rowflow/contracts';
import { leaseLapsed, leaseUntil, transaction } from '@rowflow/pg';
import type pg from 'pg';
import { planConstraints } from './constraint-plan.js';
import { jobTargets } from './dataset-job.js';
import { DatasetSlices } from './dataset-slice.js';
import { type JobDefinition, type JobTableDefinition, splitRanges } from './job-spec.js';
import { batchGroups } from './partition-batches.js';
import { DEFAULT_TARGET_SCHEMA, parseTargetSchemas, qualify, type TargetRef } from './target-ref.js';
import { prepareJobTargets } from './job-targets.js';
import { RECORDED_TABLE_OID, recordCreatedTables, requireSameTarget } from './target-table.js';

/** What a worker needs to run one partition. */
export interface PartitionWork {
  partitionId: number;
  jobId: string;
  index: number;
  fromRow: number;
  toRow: number;
  nextRow: number;
  /** Job's fixed chunk size; null = auto. */
  chunkSize: number | null;
  /** Chunk size this partition last committed with (auto mode resumes from it). */
  partitionChunk: number | null;
  /** Name of the table being loaded (the dataset table's name for dataset jobs). */
  table: string;
  /** The table spec stored with the job at creation: generation never re-reads the catalog. */
  schema: TableSpec;
  custom: boolean;
  targetTable: string;
  /** Schema the job writes into (the TARGET_SCHEMA it was created under). */
  targetSchema: string;
  seed: number;
  skipLimit: number;
  /** Index of the table within the job (0 for single-table jobs). */
  tableIndex: number;
  /**
   * Dataset jobs: of the dataset spec stored with the job, the part table `table`'s rows are
   * generated from (the table and the tables it references, see datasetSlice); else null.
   */
  dataset: DatasetSpec | null;
}

/** `jobStarted`: this claim moved the job from queued to running; then `jobRows` is the job's row total (all tables). */
export type ClaimResult = { kind: 'claimed'; work: PartitionWork; jobStarted: boolean; jobRows?: number } | { kind: 'done' } | { kind: 'busy' };

/** A partition that should be worked by someone (queued, or running with an expired lease). */
export interface OpenPartition {
  jobId: string;
  partitionId: number;
  /** Batch group of a small partition (see batchGroups); absent or null: delivered alone. */
  group?: number | null;
  /** Further partitions of the same job and group delivered with this one (see foldBatches). */
  batch?: number[];
}

/** Jobs whose dependency answer is remembered (each a uuid and a boolean). */
const WAITING_CACHE = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What a running job's sessions wait for: a lock on one of its tables that another session holds
 * (a chunk's COPY, a constraint's ALTER TABLE). A one-time filter on the job's state keeps
 * pg_locks unread for jobs that are not running.
 */
const LOCK_WAIT_SQL = `
    SELECT string_agg(DISTINCT format('a lock on table %s, held by pid %s', l.relation::regclass, array_to_string(pg_blocking_pids(l.pid), ', ')), '; ') AS waiting_for
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE j.state = 'running' AND NOT l.granted AND l.locktype = 'relation' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND (a.query LIKE 'COPY %' OR a.query LIKE 'ALTER TABLE %' OR a.query LIKE 'CREATE %INDEX%')
      AND l.relation IN (SELECT ${RECORDED_TABLE_OID} FROM rowflow.job_tables t WHERE t.job_id = j.id)`;

const STATUS_SQL = `
  SELECT j.*, p.parts, t.tbls, w.waiting_for FROM rowflow.jobs j
  CROSS JOIN LATERAL (
    SELECT json_agg(json_build_object(
      'index', index, 'fromRow', from_row, 'toRow', to_row, 'nextRow', next_row, 'state', state,
      'chunkSize', chunk_size, 'rowsWritten', rows_written, 'rowsSkipped', rows_skipped,
      'chunks', chunks_committed, 'retries', retries, 'table', table_index,
      'lastError', last_error, 'nextAttemptAt', next_attempt_at) ORDER BY index) AS parts
    FROM rowflow.job_partitions WHERE job_id = j.id) p
  CROSS JOIN LATERAL (
    SELECT json_agg(json_build_object(
      'index', jt.index, 'name', jt.name, 'targetTable', jt.target_table, 'targetSchema', jt.target_schema, 'rowsTotal', jt.rows_total,
      'keyOffset', (jt.schema->>'keyOffset')::bigint,
      'pending', coalesce(k.pending, 0))
      ORDER BY jt.index) AS tbls
    FROM rowflow.job_tables jt
    -- Counted once per job, not once per table: a thousand tables made that a million rows read.
    LEFT JOIN (SELECT table_index, count(*) AS pending FROM rowflow.job_constraints
               WHERE job_id = j.id AND state <> 'done' GROUP BY table_index) k ON k.table_index = jt.index
    WHERE jt.job_id = j.id) t
  CROSS JOIN LATERAL (${LOCK_WAIT_SQL}) w`;

interface PartRow extends PartitionStatus {
  rowsWritten: number;
  rowsSkipped: number;
  chunks: number;
  retries: number;
  table: number;
  lastError: string | null;
  nextAttemptAt: string | null;
}

interface TableRow {
  index: number;
  name: string;
  targetTable: string;
  targetSchema: string;
  keyOffset: number | null;
  rowsTotal: number;
  /** Constraints of this table not built yet. */
  pending: number;
}

interface JobRow {
  id: string;
  state: JobState;
  phase: JobPhase;
  table_name: string;
  target_schema: string;
  target_table: string;
  dataset: DatasetSpec | null;
  mode: JobMode;
  rows_total: string;
  seed: string;
  chunk_size: number | null;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  parts: PartRow[] | null;
  tbls: TableRow[] | null;
  waiting_for: string | null;
  warnings: string[] | null;
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

/** A table's state from its partitions: the job's end state once ended, else what its partitions do. */
function tableState(job: JobRow, parts: PartRow[], loaded: boolean, pending: number): JobState {
  if (job.state !== 'running' && job.state !== 'queued') return job.state;
  if (loaded) return pending > 0 ? 'running' : 'completed';
  return parts.some((p) => p.state !== 'queued') ? 'running' : 'queued';
}

function tableStatus(job: JobRow, t: TableRow, parts: PartRow[]): JobTableStatus {
  const loaded = parts.every((p) => p.state === 'completed');
  const pending = Number(t.pending);
  const phase: JobPhase = !loaded || (pending > 0 && job.phase === 'loading') ? 'loading' : pending > 0 ? 'building indexes' : 'done';
  return {
    name: t.name,
    targetTable: t.targetTable,
    targetSchema: t.targetSchema,
    ...(t.keyOffset !== null ? { keyOffset: Number(t.keyOffset) } : {}),
    rowsTotal: Number(t.rowsTotal),
    rowsWritten: parts.reduce((n, p) => n + Number(p.rowsWritten), 0),
    state: tableState(job, parts, loaded, pending),
    phase: job.state === 'completed' ? 'done' : phase,
  };
}

/** Each table's status; partitions grouped by table once (a thousand tables each scanning every partition was a million steps per status read). */
function tableStatuses(r: JobRow, parts: PartRow[]): JobTableStatus[] {
  const byTable = new Map<number, PartRow[]>();
  for (const p of parts) {
    const list = byTable.get(Number(p.table));
    if (list) list.push(p);
    else byTable.set(Number(p.table), [p]);
  }
  return (r.tbls ?? []).map((t) => tableStatus(r, t, byTable.get(Number(t.index)) ?? []));
}

function toStatus(r: JobRow): JobStatus {
  const parts = r.parts ?? [];
  const sum = (f: (p: PartRow) => number) => parts.reduce((n, p) => n + Number(f(p)), 0);
  return {
    id: r.id,
    state: r.state,
    phase: r.phase,
    table: r.table_name,
    dataset: r.dataset?.name ?? null,
    targetSchema: r.target_schema,
    targetTable: r.target_table,
    mode: r.mode,
    rowsTotal: Number(r.rows_total),
    rowsWritten: sum((p) => p.rowsWritten),
    rowsSkipped: sum((p) => p.rowsSkipped),
    chunksCommitted: sum((p) => p.chunks),
    retries: sum((p) => p.retries),
    chunkSize: r.chunk_size ?? 'auto',
    partitions: parts.map((p) => ({
      index: p.index,
      fromRow: Number(p.fromRow),
      toRow: Number(p.toRow),
      nextRow: Number(p.nextRow),
      state: p.state,
      ...(p.chunkSize ? { chunkSize: p.chunkSize } : {}),
      table: Number(p.table),
      ...waitingFields(p),
    })),
    tables: tableStatuses(r, parts),
    seed: Number(r.seed),
    createdAt: r.created_at.toISOString(),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    error: r.error,
    ...(r.warnings?.length ? { warnings: r.warnings } : {}),
    ...jobWaiting(parts),
    waitingFor: r.waiting_for,
  };
}

/** All SQL on the `rowflow` job tables except the chunk transaction itself (see ChunkWriter). */
export class JobRepository {
  /** TARGET_SCHEMA's list: the only schemas new jobs write into; the first is the default. */
  private readonly targetSchemas: string[];
  private readonly datasets = new DatasetSlices(async (id) => {
    const res = await this.pool.query<{ dataset: DatasetSpec | null }>('SELECT dataset FROM rowflow.jobs WHERE id = $1', [id]);
    return res.rows[0]?.dataset ?? null;
  });

  /** Per job: does any of its tables wait for a parent table (see readyPartitions)? Oldest entries leave first. */
  private readonly waiting = new Map<string, boolean>();

  /** `targetSchema`: TARGET_SCHEMA as configured (one schema, a comma-separated list, or the list). */
  constructor(
    private readonly pool: pg.Pool,
    opts: { targetSchema?: string | readonly string[] } = {},
  ) {
    this.targetSchemas = parseTargetSchemas(opts.targetSchema ?? DEFAULT_TARGET_SCHEMA);
  }

  /**
   * Prepares every target table and records the job with its tables, partitions and deferred
   * constraints, all in one transaction: if anything fails, neither a table nor a job row is
   * left behind (and a refused truncate or replace changed nothing).
   */
  async create(def: JobDefinition): Promise<string> {
    return transaction(this.pool, async (c) => {
      const targets = jobTargets(this.targetSchemas, def);
      const prepared = await prepareJobTargets(c, def, targets);
      const job = await c.query<{ id: string }>(
        `INSERT INTO rowflow.jobs (state, table_name, schema, custom, target_table, target_schema, mode, rows_total, seed, chunk_size, partitions, skip_limit, dataset, target_oid, warnings)
         VALUES ('queued', $1, $2, $3, $4, $11, $5, $6, $7, $8, $9, $10, $12, $13, $14) RETURNING id`,
        [def.table, JSON.stringify(def.schema), def.custom, def.targetTable, def.mode, def.rows, def.seed, def.chunkSize, def.partitions, def.skipLimit, targets[0]!.schema, def.dataset && JSON.stringify(def.dataset), prepared.oids[0], prepared.warnings.length ? prepared.warnings : null],
      );
      const id = job.rows[0]!.id;
      const made = prepared.created.flatMap((oid, i) => (oid === null ? [] : [{ ref: targets[i]!, oid }]));
      await recordCreatedTables(c, made.map((m) => m.ref), made.map((m) => m.oid), id);
      await this.insertTables(c, id, def.tables, targets, prepared.oids);
      await this.markUnlogged(c, id, def, targets);
      await this.insertPartitions(c, id, def);
      await this.insertConstraints(c, id, def);
      return id;
    });
  }

  /** One statement for all tables (a dataset may have a thousand); depends_on travels as JSON (unnest cannot take an array of arrays). */
  private async insertTables(c: pg.PoolClient, id: string, tables: JobTableDefinition[], targets: TargetRef[], oids: number[]): Promise<void> {
    await c.query(
      `INSERT INTO rowflow.job_tables (job_id, index, name, target_schema, target_table, schema, rows_total, depends_on, target_oid)
       SELECT $1, i - 1, n, ts, tt, s, r, ARRAY(SELECT jsonb_array_elements_text(d)::int), o
       FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[], $6::bigint[], $7::jsonb[], $8::oid[]) WITH ORDINALITY AS x(n, ts, tt, s, r, d, o, i)`,
      [id, tables.map((t) => t.name), targets.map((t) => t.schema), tables.map((t) => t.targetTable), tables.map((t) => JSON.stringify(t.schema)), tables.map((t) => t.rows), tables.map((t) => JSON.stringify(t.dependsOn)), oids],
    );
  }

  /** Each table split into its partitions (default min(partitions, rows)); partition indexes run on across tables. */
  private async insertPartitions(c: pg.PoolClient, id: string, def: JobDefinition): Promise<void> {
    const rows: Array<{ table: number; from: number; to: number }> = [];
    def.tables.forEach((t, ti) => {
      for (const r of splitRanges(t.rows, t.partitions ?? Math.min(def.partitions, t.rows))) rows.push({ table: ti, ...r });
    });
    const groups = batchGroups(rows.map((r) => r.to - r.from));
    await c.query(
      `INSERT INTO rowflow.job_partitions (job_id, index, table_index, from_row, to_row, next_row, state, batch)
       SELECT $1, i - 1, ti, f, t, f, 'queued', b FROM unnest($2::int[], $3::bigint[], $4::bigint[], $5::int[]) WITH ORDINALITY AS r(ti, f, t, b, i)`,
      [id, rows.map((r) => r.table), rows.map((r) => r.from), rows.map((r) => r.to), groups],
    );
  }

  /** One statement for all constraints, in plan order (ids follow it; the phase works in id order). Column lists travel as JSON. */
  private async insertConstraints(c: pg.PoolClient, id: string, def: JobDefinition): Promise<void> {
    const ks = planConstraints(def.tables, def.mode, def.dataset !== null);
    if (!ks.length) return;
    const arr = (xs: string[] | undefined) => (xs ? JSON.stringify(xs) : null);
    await c.query(
      `INSERT INTO rowflow.job_constraints (job_id, table_index, name, kind, columns, ref_table_index, ref_columns)
       SELECT $1, ti, n, k, ARRAY(SELECT jsonb_array_elements_text(cs)), rti, CASE WHEN rcs IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(rcs)) END
       FROM unnest($2::int[], $3::text[], $4::text[], $5::jsonb[], $6::int[], $7::jsonb[]) WITH ORDINALITY AS x(ti, n, k, cs, rti, rcs, i)
       ORDER BY i`,
      [id, ks.map((k) => k.tableIndex), ks.map((k) => k.name), ks.map((k) => k.kind), ks.map((k) => JSON.stringify(k.columns)), ks.map((k) => k.refTableIndex ?? null), ks.map((k) => arr(k.refColumns))],
    );
  }

  /** JobStatus of one job; NotFoundError when there is none. */
  async get(id: string): Promise<JobStatus> {
    if (!UUID.test(id)) throw new NotFoundError(`job ${id} not found`);
    const res = await this.pool.query<JobRow>(`${STATUS_SQL} WHERE j.id = $1`, [id]);
    if (!res.rows[0]) throw new NotFoundError(`job ${id} not found`);
    return toStatus(res.rows[0]);
  }

  /**
   * What the end of a load logs: start, end and rows, without the full status (every table and
   * partition, and the lock waits read from pg_locks).
   */
  async loadSummary(id: string): Promise<Pick<JobStatus, 'startedAt' | 'finishedAt' | 'rowsWritten' | 'rowsSkipped'>> {
    const res = await this.pool.query<{ started_at: Date | null; finished_at: Date | null; written: string; skipped: string }>(
      `SELECT j.started_at, j.finished_at, coalesce(sum(p.rows_written), 0) AS written, coalesce(sum(p.rows_skipped), 0) AS skipped
       FROM rowflow.jobs j LEFT JOIN rowflow.job_partitions p ON p.job_id = j.id WHERE j.id = $1 GROUP BY j.id`,
      [id],
    );
    const r = res.rows[0];
    if (!r) throw new NotFoundError(`job ${id} not found`);
    return { startedAt: iso(r.started_at), finishedAt: iso(r.finished_at), rowsWritten: Number(r.written), rowsSkipped: Number(r.skipped) };
  }

  /** A job's state and phase alone (its full status lists every table and partition); null when there is none. */
  async stateOf(id: string): Promise<{ state: JobState; phase: JobPhase } | null> {
    const res = await this.pool.query<{ state: JobState; phase: JobPhase }>('SELECT state, phase FROM rowflow.jobs WHERE id = $1', [id]);
    return res.rows[0] ?? null;
  }

  /** Most recent jobs first. */
  async list(limit = 100): Promise<JobStatus[]> {
    const res = await this.pool.query<JobRow>(`${STATUS_SQL} ORDER BY j.created_at DESC LIMIT $1`, [limit]);
    return res.rows.map(toStatus);
  }

  /** Partition ids of a job that are not finished, for (re-)enqueueing. */
  async unfinishedPartitions(jobId: string): Promise<OpenPartition[]> {
    const res = await this.pool.query<{ id: string; batch: number | null }>(
      `SELECT id, batch FROM rowflow.job_partitions WHERE job_id = $1 AND state IN ('queued', 'running') ORDER BY index`,
      [jobId],
    );
    return res.rows.map((r) => openPartition(jobId, r));
  }

  /**
   * Queued partitions of a job that nobody holds and whose tables no longer wait for a parent
   * table: enqueued when a partition finishes, so a child table starts once its parent is in.
   */
  async readyPartitions(jobId: string): Promise<OpenPartition[]> {
    // Asked after every partition: a job whose tables wait for none (every create/replace job)
    // skips the query, which reads all of the job's queued partitions — a thousand one-partition
    // tables made that a million rows read over the load.
    if (!(await this.hasWaitingTables(jobId))) return [];
    const res = await this.pool.query<{ id: string; batch: number | null }>(
      `SELECT p.id, p.batch FROM rowflow.job_partitions p JOIN rowflow.job_tables t ON t.job_id = p.job_id AND t.index = p.table_index
       WHERE p.job_id = $1 AND p.state = 'queued' AND p.lease_until IS NULL AND cardinality(t.depends_on) > 0
         AND NOT EXISTS (SELECT 1 FROM rowflow.job_partitions q WHERE q.job_id = p.job_id AND q.table_index = ANY (t.depends_on) AND q.state <> 'completed')
       ORDER BY p.index`,
      [jobId],
    );
    return res.rows.map((r) => openPartition(jobId, r));
  }

  /** Whether any table of the job waits for a parent table; fixed at creation, so asked once per job and process. */
  private async hasWaitingTables(jobId: string): Promise<boolean> {
    const known = this.waiting.get(jobId);
    if (known !== undefined) return known;
    const res = await this.pool.query<{ waits: boolean }>(`SELECT EXISTS (SELECT 1 FROM rowflow.job_tables WHERE job_id = $1 AND cardinality(depends_on) > 0) AS waits`, [jobId]);
    const waits = res.rows[0]?.waits ?? false;
    if (this.waiting.size >= WAITING_CACHE) this.waiting.delete(this.waiting.keys().next().value!);
    this.waiting.set(jobId, waits);
    return waits;
  }

  /** Partitions nobody holds a live lease on: never claimed, or their worker died/stopped. */
  async orphanedPartitions(limit = 1000): Promise<OpenPartition[]> {
    const res = await this.pool.query<{ id: string; job_id: string; batch: number | null }>(
      `SELECT id, job_id, batch FROM rowflow.job_partitions
       WHERE state IN ('queued', 'running') AND ${leaseLapsed('lease_until')}
       ORDER BY id LIMIT $1`,
      [limit],
    );
    return res.rows.map((r) => openPartition(r.job_id, r));
  }

  /**
   * Takes the partition's lease for `owner`, unless another owner holds a live one ('busy') or
   * the partition is finished/cancelled/failed ('done'). The lease only avoids duplicate work;
   * correctness comes from the fenced checkpoint in every chunk transaction.
   */
  async claim(partitionId: number, owner: string, leaseSeconds: number): Promise<ClaimResult> {
    const [r] = await this.claimRows([partitionId], owner, leaseSeconds);
    if (!r) {
      const st = await this.pool.query<{ state: string }>('SELECT state FROM rowflow.job_partitions WHERE id = $1', [partitionId]);
      const s = st.rows[0]?.state;
      return s === 'queued' || s === 'running' ? { kind: 'busy' } : { kind: 'done' };
    }
    return (await this.claimed([r]))[0]!;
  }

  /**
   * claim for the small partitions of one job delivered together, in one statement: the ones
   * taken, in index order (the others are busy elsewhere or finished). Each keeps its own lease
   * and checkpoints, so a process killed with some of them not yet started leaves leases that
   * lapse and are taken over like any other.
   */
  async claimMany(partitionIds: number[], owner: string, leaseSeconds: number): Promise<Array<Extract<ClaimResult, { kind: 'claimed' }>>> {
    const rows = await this.claimRows(partitionIds, owner, leaseSeconds);
    rows.sort((a, b) => (a.index as number) - (b.index as number));
    return this.claimed(rows);
  }

  // A table whose rows need a parent table's (FK into an existing constraint) waits: 'busy'. The
  // parents' partitions are only looked at for such a table: that look reads every partition of
  // the job, and a dataset of a thousand one-partition tables made it a million rows per load.
  // A partition row locked right now is being worked: a chunk transaction holds its lock from
  // the fence to the commit, however long the chunk takes, and the lock dies with its
  // connection. SKIP LOCKED takes that as the live lease it is ('busy') instead of waiting for
  // the commit and then judging the lease by a clock read before the wait.
  private async claimRows(partitionIds: number[], owner: string, leaseSeconds: number): Promise<Array<Record<string, unknown>>> {
    const res = await this.pool.query(
      `UPDATE rowflow.job_partitions p SET state = 'running', lease_owner = $2, lease_until = ${leaseUntil('$3')}, updated_at = now()
       FROM rowflow.jobs j, rowflow.job_tables t
       WHERE p.id = ANY (ARRAY(SELECT id FROM rowflow.job_partitions WHERE id = ANY ($1::bigint[]) FOR UPDATE SKIP LOCKED))
         AND j.id = p.job_id AND t.job_id = p.job_id AND t.index = p.table_index AND p.state IN ('queued', 'running')
         AND (${leaseLapsed('p.lease_until')} OR p.lease_owner = $2)
         AND (cardinality(t.depends_on) = 0
              OR NOT EXISTS (SELECT 1 FROM rowflow.job_partitions q WHERE q.job_id = p.job_id AND q.table_index = ANY (t.depends_on) AND q.state <> 'completed'))
       RETURNING p.id, p.job_id, p.index, p.table_index, p.from_row, p.to_row, p.next_row, p.chunk_size AS p_chunk, j.chunk_size,
                 t.name AS table_name, t.schema, j.custom, t.target_schema, t.target_table, j.seed, j.skip_limit, j.dataset IS NOT NULL AS has_dataset, j.state AS job_state`,
      [partitionIds, owner, leaseSeconds],
    );
    return res.rows as Array<Record<string, unknown>>;
  }

  /**
   * Claimed rows as work; the first claim of a queued job starts it. A job already running (every
   * claim after its first) needs no second statement: the claim read its state.
   */
  private async claimed(rows: Array<Record<string, unknown>>): Promise<Array<Extract<ClaimResult, { kind: 'claimed' }>>> {
    const queued = rows.find((r) => r.job_state === 'queued');
    let jobRows: number | undefined;
    if (queued) {
      const started = await this.pool.query<{ rows_total: string }>(
        `UPDATE rowflow.jobs SET state = 'running', started_at = coalesce(started_at, now()) WHERE id = $1 AND state = 'queued' RETURNING rows_total`,
        [queued.job_id],
      );
      jobRows = started.rows[0] ? Number(started.rows[0].rows_total) : undefined;
    }
    const out: Array<Extract<ClaimResult, { kind: 'claimed' }>> = [];
    for (const r of rows) {
      const dataset = r.has_dataset ? await this.datasets.of(r.job_id as string, r.table_name as string) : null;
      const first = out.length === 0 && jobRows !== undefined;
      out.push({ kind: 'claimed', work: { ...toWork(r), dataset }, jobStarted: first, ...(first ? { jobRows } : {}) });
    }
    return out;
  }

  /** Gives the lease back (worker stopping) so another process can take over at once. */
  async releaseLease(partitionId: number, owner: string): Promise<void> {
    await this.releaseLeases([partitionId], owner);
  }

  /** releaseLease for several partitions (a batch's claimed ones not started yet) in one statement. */
  async releaseLeases(partitionIds: number[], owner: string): Promise<void> {
    await this.pool.query(`UPDATE rowflow.job_partitions SET lease_until = NULL WHERE id = ANY ($1::bigint[]) AND lease_owner = $2`, [partitionIds, owner]);
  }

  /** Fails the job: its open partitions stop at their next chunk (their fence no longer matches). */
  async fail(jobId: string, message: string): Promise<void> {
    await transaction(this.pool, async (c) => {
      await c.query(`UPDATE rowflow.jobs SET state = 'failed', error = $2, finished_at = now() WHERE id = $1 AND state IN ('queued', 'running')`, [jobId, message]);
      await c.query(`UPDATE rowflow.job_partitions SET state = 'failed', lease_until = NULL, updated_at = now() WHERE job_id = $1 AND state IN ('queued', 'running')`, [jobId]);
    });
  }

  /** Cancels a queued/running job; 409 if it already ended. Committed chunks stay. */
  async cancel(jobId: string): Promise<JobStatus> {
    const current = await this.get(jobId);
    await transaction(this.pool, async (c) => {
      const res = await c.query(`UPDATE rowflow.jobs SET state = 'cancelled', finished_at = now() WHERE id = $1 AND state IN ('queued', 'running')`, [jobId]);
      if (!res.rowCount) throw new ConflictError(`job ${jobId} is ${current.state}; only queued or running jobs can be cancelled`);
      await c.query(`UPDATE rowflow.job_partitions SET state = 'cancelled', lease_until = NULL, updated_at = now() WHERE job_id = $1 AND state IN ('queued', 'running')`, [jobId]);
    });
    return this.get(jobId);
  }

  /** Re-opens a cancelled/failed job (running/queued: no-op, for re-enqueueing); 409 if completed. */
  async resume(jobId: string): Promise<JobStatus> {
    const current = await this.get(jobId);
    if (current.state === 'completed') throw new ConflictError(`job ${jobId} is already completed`);
    await transaction(this.pool, async (c) => {
      await requireSameTarget(c, jobId);
      // A job stopped in its constraint phase goes on with it (state running, see ConstraintBuilder).
      await c.query(
        `UPDATE rowflow.jobs SET state = CASE WHEN phase = 'building indexes' THEN 'running' ELSE 'queued' END, error = NULL, finished_at = NULL
         WHERE id = $1 AND state IN ('cancelled', 'failed')`,
        [jobId],
      );
      await c.query(
        `UPDATE rowflow.job_partitions SET state = CASE WHEN next_row >= to_row THEN 'completed' ELSE 'queued' END, lease_until = NULL, error = NULL, updated_at = now()
         WHERE job_id = $1 AND state IN ('cancelled', 'failed')`,
        [jobId],
      );
      await c.query(`UPDATE rowflow.job_constraints SET state = 'pending', error = NULL, updated_at = now() WHERE job_id = $1 AND state = 'failed'`, [jobId]);
      await c.query(`UPDATE rowflow.jobs SET phase_lease_until = NULL WHERE id = $1`, [jobId]);
    });
    await this.finishLoad(jobId);
    return this.get(jobId);
  }

  /** Dead-lettered rows of a job: table by table (job order), then row order. */
  async deadLetters(jobId: string): Promise<DeadLetter[]> {
    const res = await this.pool.query<{ table: string; schema: string; row_number: string; row: string; sqlstate: string; constraint_name: string | null; message: string }>(
      `SELECT t.target_table AS table, t.target_schema AS schema, d.row_number, d.row, d.sqlstate, d.constraint_name, d.message
       FROM rowflow.dead_letters d
       JOIN rowflow.job_partitions p ON p.job_id = d.job_id AND p.index = d.partition_index
       JOIN rowflow.job_tables t ON t.job_id = d.job_id AND t.index = p.table_index
       WHERE d.job_id = $1 ORDER BY t.index, d.row_number`,
      [jobId],
    );
    return res.rows.map((r) => ({
      table: r.table,
      schema: r.schema,
      rowNumber: Number(r.row_number),
      row: r.row,
      sqlstate: r.sqlstate,
      ...(r.constraint_name ? { constraint: r.constraint_name } : {}),
      message: r.message,
    }));
  }

  // ---- self-healing faults and load speed -------------------------------------------------

  /**
   * `unlogged` jobs: the tables created just before (same transaction, still empty, so the
   * rewrite is free) become UNLOGGED, and the job remembers whether to SET LOGGED at the end.
   */
  private async markUnlogged(c: pg.PoolClient, jobId: string, def: JobDefinition, targets: TargetRef[]): Promise<void> {
    if (!def.unlogged) return;
    for (const target of targets) await c.query(`ALTER TABLE ${qualify(target)} SET UNLOGGED`);
    await c.query('UPDATE rowflow.jobs SET unlogged = $2, unlogged_epoch = pg_postmaster_start_time() WHERE id = $1', [jobId, def.unlogged]);
  }

  /**
   * A job with UNLOGGED tables whose server restarted since its checkpoints were counted: crash
   * recovery empties unlogged tables (a clean restart keeps them), while the checkpoints survive.
   * Every table holding fewer rows than its partitions say it has is loaded again from its first
   * row (emptied, partitions back to their start, dead letters dropped); then the new start time
   * is recorded. No chunk commits in between: the chunk fence requires the recorded start time.
   * True when something was reset. A job must never report rows it does not have.
   */
  async reloadIfReset(jobId: string): Promise<boolean> {
    return transaction(this.pool, (c) => this.reloadResetTables(c, jobId));
  }

  private async reloadResetTables(c: pg.PoolClient, jobId: string): Promise<boolean> {
    const job = await c.query(`SELECT 1 FROM rowflow.jobs WHERE id = $1 AND unlogged_epoch <> pg_postmaster_start_time() FOR UPDATE`, [jobId]);
    if (!job.rowCount) return false;
    const tables = await c.query<{ index: number; target_schema: string; target_table: string; written: string }>(
      `SELECT t.index, t.target_schema, t.target_table, (SELECT coalesce(sum(p.rows_written), 0) FROM rowflow.job_partitions p WHERE p.job_id = t.job_id AND p.table_index = t.index) AS written
       FROM rowflow.job_tables t WHERE t.job_id = $1 ORDER BY t.index`,
      [jobId],
    );
    let reset = false;
    for (const t of tables.rows) {
      const target = qualify({ schema: t.target_schema, table: t.target_table });
      const held = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${target}`)).rows[0]!.n);
      if (held >= Number(t.written)) continue;
      if (held > 0) await c.query(`TRUNCATE ${target}`);
      await this.restartTable(c, jobId, t.index, `PostgreSQL restarted after a crash and emptied UNLOGGED table ${target} (${t.written} rows checkpointed, ${held} left); loading it again from its first row`);
      reset = true;
    }
    await c.query(`UPDATE rowflow.jobs SET unlogged_epoch = pg_postmaster_start_time() WHERE id = $1`, [jobId]);
    return reset;
  }

  /** Puts every partition of one table of a job back to its first row; finished ones are queued again. */
  private async restartTable(c: pg.PoolClient, jobId: string, tableIndex: number, why: string): Promise<void> {
    await c.query(
      `DELETE FROM rowflow.dead_letters d USING rowflow.job_partitions p
       WHERE d.job_id = $1 AND p.job_id = $1 AND p.table_index = $2 AND d.partition_index = p.index`,
      [jobId, tableIndex],
    );
    await c.query(
      `UPDATE rowflow.job_partitions SET next_row = from_row, rows_written = 0, rows_skipped = 0, chunks_committed = 0, version = version + 1,
         lease_until = CASE WHEN state = 'completed' THEN NULL ELSE lease_until END,
         state = CASE WHEN state = 'completed' THEN 'queued' ELSE state END,
         last_error = $3, next_attempt_at = NULL, updated_at = now()
       WHERE job_id = $1 AND table_index = $2`,
      [jobId, tableIndex, why],
    );
  }

  /**
   * Shows a partition waiting out a transient failure (retries, last error, next attempt) and
   * stretches its lease over the wait, so no other process takes it over meanwhile. Best
   * effort: when Postgres itself is what is down this fails, and the caller counts the retry
   * into the next checkpoint instead. False when it was not recorded.
   */
  async recordRetry(partitionId: number, owner: string, message: string, waitMs: number, leaseSeconds: number): Promise<boolean> {
    const res = await this.pool.query(
      `UPDATE rowflow.job_partitions SET retries = retries + 1, last_error = $3, next_attempt_at = clock_timestamp() + make_interval(secs => $4::float8 / 1000),
         lease_until = greatest(lease_until, ${leaseUntil('$4::float8 / 1000 + $5')}), updated_at = now()
       WHERE id = $1 AND lease_owner = $2 AND state = 'running'`,
      [partitionId, owner, message.slice(0, 2000), waitMs, leaseSeconds],
    );
    return (res.rowCount ?? 0) > 0;
  }

  /** Where a partition stands (after a fence miss: is it still ours, and from which row?). */
  async partitionPosition(partitionId: number): Promise<{ state: string; nextRow: number; leaseOwner: string | null } | undefined> {
    const res = await this.pool.query<{ state: string; next_row: string; lease_owner: string | null }>(
      'SELECT state, next_row, lease_owner FROM rowflow.job_partitions WHERE id = $1',
      [partitionId],
    );
    const r = res.rows[0];
    return r ? { state: r.state, nextRow: Number(r.next_row), leaseOwner: r.lease_owner } : undefined;
  }

  /**
   * Ends the load of a job whose partitions have all committed: `SET LOGGED` first for
   * `unlogged: true`, then `completed` — or, when constraints wait to be built, phase
   * `building indexes` with state still `running` (see ConstraintBuilder). One transaction
   * under the job row's lock, committed with `synchronous_commit = on`: its WAL flush also makes
   * every earlier chunk commit durable (chunks may commit asynchronously). Idempotent; true only
   * when the job is now completed.
   */
  async finishLoad(jobId: string): Promise<boolean> {
    return (await this.endLoad(jobId)) === 'completed';
  }

  /**
   * finishLoad, telling what this call did: `completed`, `building indexes` (the load ended and
   * the constraint phase follows), or null (not this call's to end: partitions open, or ended
   * before).
   */
  async endLoad(jobId: string): Promise<'completed' | 'building indexes' | null> {
    // Every partition of a job ends here: a partition that sees another one still open needs
    // neither the job row's lock nor the durable commit (the last one to commit sees none open).
    if (await this.hasOpenPartition(this.pool, jobId)) return null;
    return transaction(this.pool, async (c) => {
      await c.query('SET LOCAL synchronous_commit = on');
      const job = await c.query<{ unlogged: string | null }>(`SELECT unlogged FROM rowflow.jobs WHERE id = $1 AND state IN ('queued', 'running') AND phase = 'loading' FOR UPDATE`, [jobId]);
      const row = job.rows[0];
      if (!row) return null;
      if (await this.hasOpenPartition(c, jobId)) return null;
      // Every partition loaded, then a crash emptied the tables: load again, don't complete.
      if (row.unlogged !== null && (await this.reloadResetTables(c, jobId))) return null;
      if (row.unlogged === 'logged') await this.setLogged(c, jobId);
      const res = await c.query<{ state: string }>(
        `WITH k AS (SELECT EXISTS (SELECT 1 FROM rowflow.job_constraints WHERE job_id = $1 AND state <> 'done') AS pending)
         UPDATE rowflow.jobs SET
           state = CASE WHEN k.pending THEN 'running' ELSE 'completed' END,
           phase = CASE WHEN k.pending THEN 'building indexes' ELSE 'done' END,
           finished_at = CASE WHEN k.pending THEN NULL ELSE now() END,
           started_at = coalesce(started_at, now()), error = NULL
         FROM k WHERE id = $1 RETURNING state`,
        [jobId],
      );
      const state = res.rows[0]?.state;
      return state === 'completed' ? 'completed' : state === 'running' ? 'building indexes' : null;
    });
  }

  private async hasOpenPartition(c: pg.Pool | pg.PoolClient, jobId: string): Promise<boolean> {
    const open = await c.query(`SELECT 1 FROM rowflow.job_partitions WHERE job_id = $1 AND state <> 'completed' LIMIT 1`, [jobId]);
    return (open.rowCount ?? 0) > 0;
  }

  /** Same as finishLoad (the name single-table callers know). */
  completeJobIfDone(jobId: string): Promise<boolean> {
    return this.finishLoad(jobId);
  }

  private async setLogged(c: pg.PoolClient, jobId: string): Promise<void> {
    const tables = await c.query<{ target_schema: string; target_table: string }>(`SELECT target_schema, target_table FROM rowflow.job_tables WHERE job_id = $1 ORDER BY index`, [jobId]);
    for (const t of tables.rows) await c.query(`ALTER TABLE ${qualify({ schema: t.target_schema, table: t.target_table })} SET LOGGED`);
  }

  /** Jobs still loading whose partitions are all completed (their finisher died before finishing). */
  async jobsAwaitingFinish(limit = 100): Promise<string[]> {
    const res = await this.pool.query<{ id: string }>(
      `SELECT j.id FROM rowflow.jobs j WHERE j.state IN ('queued', 'running') AND j.phase = 'loading'
         AND NOT EXISTS (SELECT 1 FROM rowflow.job_partitions p WHERE p.job_id = j.id AND p.state <> 'completed')
       ORDER BY j.created_at LIMIT $1`,
      [limit],
    );
    return res.rows.map((r) => r.id);
  }
}

/** A partition's retry count, and while it waits out a transient failure, the error and next attempt. */
function waitingFields(p: PartRow): Pick<PartitionStatus, 'retries' | 'lastError' | 'nextAttemptAt'> {
  const waiting = p.state === 'running' && p.lastError !== null;
  return { retries: Number(p.retries), lastError: waiting ? p.lastError : null, nextAttemptAt: waiting && p.nextAttemptAt ? new Date(p.nextAttemptAt).toISOString() : null };
}

/** Job-level view of waiting partitions: the latest error and the earliest next attempt. */
function jobWaiting(parts: PartRow[]): Pick<JobStatus, 'lastError' | 'nextAttemptAt'> {
  const waiting = parts.map(waitingFields).filter((w) => w.lastError !== null);
  const next = waiting.map((w) => w.nextAttemptAt).filter((t): t is string => t !== null).sort()[0] ?? null;
  return { lastError: waiting[0]?.lastError ?? null, nextAttemptAt: next };
}

/** A partition to enqueue; its batch group only when it has one (see batchGroups). */
function openPartition(jobId: string, r: { id: string; batch: number | null }): OpenPartition {
  return { jobId, partitionId: Number(r.id), ...(r.batch !== null ? { group: r.batch } : {}) };
}

function toWork(r: Record<string, unknown>): PartitionWork {
  return {
    partitionId: Number(r.id),
    jobId: r.job_id as string,
    index: r.index as number,
    fromRow: Number(r.from_row),
    toRow: Number(r.to_row),
    nextRow: Number(r.next_row),
    chunkSize: (r.chunk_size as number | null) ?? null,
    partitionChunk: (r.p_chunk as number | null) ?? null,
    table: r.table_name as string,
    schema: r.schema as TableSpec,
    custom: r.custom as boolean,
    targetTable: r.target_table as string,
    targetSchema: r.target_schema as string,
    seed: Number(r.seed),
    skipLimit: r.skip_limit as number,
    tableIndex: r.table_index as number,
    dataset: null,
  };
}
