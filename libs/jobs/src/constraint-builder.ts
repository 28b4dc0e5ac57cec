import { quoteIdent } from '@rowflow/schema';
import type pg from 'pg';
import type { ConstraintRepository, ConstraintRow, ConstraintState, PhaseWork } from './constraint-repository.js';
import { classifyError, withSession } from '@rowflow/pg';
import type { JobObserver } from './partition-runner.js';
import type { LogPort } from './ports.js';
import { qualify } from './target-ref.js';

export interface ConstraintBuilderOptions {
  /** Identifies this process in the phase lease. */
  owner: string;
  leaseSeconds: number;
  /** Index builds at once, each on its own connection (each also uses maintenance_work_mem). */
  concurrency: number;
  log: LogPort;
  /** Called when the phase completed the job (metrics). */
  onCompleted?: (jobId: string) => void;
  /** Told the phase's duration when this process completes it (the part it ran, after a takeover). */
  observer?: Pick<JobObserver, 'phaseFinished'>;
  /** true: every step's commit waits for its WAL flush (else only the phase's last commit does, see begin). */
  durableCommits?: boolean;
  /**
   * maintenance_work_mem (MB) an index build gets at least; the server's own setting when it is
   * higher, or when 0. PostgreSQL's default (64 MB) sorts a million-row text key on disk.
   */
  indexMemoryMb?: number;
}

/** How a phase run ended: completed the job, someone else has it / nothing to do, lost the lease, stopped, or failed the job. */
export type PhaseOutcome = 'done' | 'busy' | 'lost' | 'stopped' | 'failed';

/** A step lost its lease or the job left the phase (cancelled, failed elsewhere). */
class PhaseLostError extends Error {
  override readonly name = 'PhaseLostError';
}

/** A step failed on the data (duplicate key, orphaned foreign key): the job fails naming it. */
class ConstraintFailedError extends Error {
  override readonly name = 'ConstraintFailedError';
  constructor(
    readonly constraint: ConstraintRow,
    cause: unknown,
  ) {
    super(`constraint ${constraint.name}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

const STATE_AFTER: Record<'index' | 'attach' | 'add' | 'validate', ConstraintState> = { index: 'indexed', attach: 'done', add: 'added', validate: 'done' };

/** Keys (primary key, unique) that are the only key of their table. */
function loneKeys(keys: ConstraintRow[]): Set<ConstraintRow> {
  const perTable = new Map<number, number>();
  for (const k of keys) perTable.set(k.tableIndex, (perTable.get(k.tableIndex) ?? 0) + 1);
  return new Set(keys.filter((k) => perTable.get(k.tableIndex) === 1));
}

/** maintenance_work_mem (MB) a key build gets at least by default: a few million rows' text key sorts in memory. */
export const DEFAULT_INDEX_MEMORY_MB = 256;

/**
 * SET LOCAL statements for a key build (they end with its transaction):
 * - maintenance_work_mem raised to `memoryMb` unless the server's is higher, so a large key
 *   sorts in memory instead of in temporary files;
 * - no parallel workers when builds already run side by side: each build then has a core, and
 *   workers on top only add their start-up and the merge of their sorted runs.
 */
export function buildSettings(memoryMb: number, sideBySide: boolean): string {
  const memory =
    memoryMb > 0
      ? ` SELECT set_config('maintenance_work_mem', (greatest(pg_size_bytes(current_setting('maintenance_work_mem')), ${Math.floor(memoryMb)} * 1048576) / 1024)::bigint || 'kB', true);`
      : '';
  return `${memory}${sideBySide ? ' SET LOCAL max_parallel_maintenance_workers = 0;' : ''}`;
}

/** Runs `fn` over `items`, at most `limit` at a time; the first error stops new starts and is thrown. */
async function bounded<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const lane = async (): Promise<void> => {
    while (failed === undefined && next < items.length) {
      const item = items[next++]!;
      await fn(item).catch((err: unknown) => {
        failed ??= err;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failed !== undefined) throw failed;
}

/**
 * The constraint phase of a job that created its tables: after every partition of every table
 * committed, build PRIMARY KEY and UNIQUE indexes in parallel (CREATE INDEX takes a SHARE lock,
 * so builds on one table run side by side), attach them with `ADD CONSTRAINT … USING INDEX`
 * (brief ACCESS EXCLUSIVE, one table at a time: two attaches holding their builds' SHARE locks
 * would deadlock; a table's only key is built and attached in one step), then add foreign keys
 * NOT VALID and VALIDATE them.
 *
 * Resumable from any point: each step is one transaction that takes a per-constraint advisory
 * lock, checks the catalogs by the constraint's deterministic name, does the DDL if still
 * needed, and records the new state — a non-concurrent CREATE INDEX / ALTER TABLE is
 * transactional, so a process killed mid-step leaves nothing half built.
 */
export class ConstraintBuilder {
  constructor(
    private readonly pool: pg.Pool,
    private readonly repo: ConstraintRepository,
    private readonly opts: ConstraintBuilderOptions,
  ) {}

  async run(jobId: string, signal: AbortSignal): Promise<PhaseOutcome> {
    const work = await this.repo.claim(jobId, this.opts.owner, this.opts.leaseSeconds);
    if (!work) return 'busy';
    const lost = new AbortController();
    const keepAlive = setInterval(() => void this.renew(jobId, lost), (this.opts.leaseSeconds * 1000) / 3);
    keepAlive.unref();
    this.opts.log.info({ event: 'phase_start', jobId, phase: 'building indexes', constraints: work.constraints.length }, 'building constraints');
    const started = performance.now();
    try {
      await this.steps(work, AbortSignal.any([signal, lost.signal]));
      if (await this.repo.finish(jobId)) {
        this.opts.observer?.phaseFinished?.(jobId, 'building indexes', performance.now() - started);
        this.completed(jobId);
      }
      return 'done';
    } catch (err) {
      return await this.onError(work, err, signal);
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async renew(jobId: string, lost: AbortController): Promise<void> {
    const ok = await this.repo.renew(jobId, this.opts.owner, this.opts.leaseSeconds).catch(() => true); // a failed renew is not proof of loss
    if (!ok) lost.abort();
  }

  private async steps(work: PhaseWork, signal: AbortSignal): Promise<void> {
    const keys = work.constraints.filter((k) => k.kind !== 'foreignKey');
    const fks = work.constraints.filter((k) => k.kind === 'foreignKey');
    const lone = loneKeys(keys);
    const pending = keys.filter((k) => k.state === 'pending');
    const settings = buildSettings(this.opts.indexMemoryMb ?? 0, Math.min(this.opts.concurrency, pending.length) > 1);
    // A table's only key is built and attached in one step: no other build on that table can
    // hold a SHARE lock against the attach, and it saves a transaction (a WAL flush) per table.
    await bounded(pending, this.opts.concurrency, (k) => this.step(work, k, lone.has(k) ? 'attach' : 'index', signal, settings));
    for (const k of keys.filter((k) => k.state !== 'done')) await this.step(work, k, 'attach', signal, settings);
    for (const k of fks.filter((k) => k.state === 'pending')) await this.step(work, k, 'add', signal);
    await bounded(fks.filter((k) => k.state !== 'done'), this.opts.concurrency, (k) => this.step(work, k, 'validate', signal));
  }

  /** One idempotent step in one transaction, fenced by the phase lease, recorded with the DDL. */
  private async step(work: PhaseWork, k: ConstraintRow, what: keyof typeof STATE_AFTER, signal: AbortSignal, settings = ''): Promise<void> {
    if (signal.aborted) throw new PhaseLostError('phase stopped');
    const started = Date.now();
    // withSession discards the connection on failure (after a ROLLBACK) and also once the signal
    // aborted: a cancel may have been sent to it.
    await withSession(
      this.pool,
      async (client) => {
        const cancel = this.cancelOnAbort(await this.begin(client, work.jobId, k, settings), signal);
        try {
          // Steps of many small tables are mostly round trips: the record and COMMIT travel together.
          const record = `UPDATE rowflow.job_constraints SET state = ${client.escapeLiteral(STATE_AFTER[what])}, updated_at = now() WHERE id = ${Number(k.id)}; COMMIT`;
          if (what === 'index' || what === 'attach') return await new StepSql(client, work, k).key(what, record);
          await requireLoadedTables(client, work, k);
          await new StepSql(client, work, k).run(what);
          await client.query(record);
        } finally {
          cancel();
        }
      },
      { rollback: true, signal },
    ).catch((err: unknown) => {
      throw classifyError(err) === 'data' || err instanceof TableReplacedError ? new ConstraintFailedError(k, err) : err;
    });
    k.state = STATE_AFTER[what];
    this.opts.log.info({ event: 'constraint_step', jobId: work.jobId, constraint: k.name, step: what, ms: Date.now() - started }, 'constraint step done');
  }

  /**
   * Stopping (shutdown, lost lease) cancels a build in progress rather than waiting for it: the
   * step's transaction rolls back and whoever takes the phase over builds it again. Returns the
   * listener's remover.
   */
  private cancelOnAbort(pid: number, signal: AbortSignal): () => void {
    const onAbort = (): void => void this.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }

  /**
   * `BEGIN`, the constraint's advisory lock, and the fence — only the lease holder of a job
   * still in the phase may build (a cancel stops the next step) — in one round trip. Returns
   * the backend's pid (to cancel a build on abort).
   *
   * A step commits without waiting for its WAL flush (unless durableCommits), as chunks do: a
   * PostgreSQL crash may lose the last steps, but each takes its DDL and its recorded state with
   * it (one transaction), so the step is simply done again. The phase's last commit — the job
   * completed — is synchronous, and its flush makes every step before it durable. A thousand
   * small tables no longer wait for a thousand flushes.
   */
  private async begin(client: pg.PoolClient, jobId: string, k: ConstraintRow, settings: string): Promise<number> {
    const lit = (v: string) => client.escapeLiteral(v);
    const results = (await client.query(
      `BEGIN;${this.opts.durableCommits ? '' : ' SET LOCAL synchronous_commit = off;'}${settings}
       SELECT pg_backend_pid() AS pid, pg_advisory_xact_lock(hashtextextended(${lit(`rowflow:${jobId}:${k.name}`)}, 0));
       SELECT 1 FROM rowflow.jobs WHERE id = ${lit(jobId)} AND state = 'running' AND phase = 'building indexes' AND phase_lease_owner = ${lit(this.opts.owner)}`,
    )) as unknown as pg.QueryResult[];
    const [pid, fence] = results.slice(-2);
    if (!fence?.rowCount) throw new PhaseLostError('phase lease lost or job no longer building indexes');
    return (pid!.rows[0] as { pid: number }).pid;
  }

  private completed(jobId: string): void {
    this.opts.log.info({ event: 'job_end', jobId, state: 'completed', phase: 'done' }, 'job completed');
    this.opts.onCompleted?.(jobId);
  }

  private async onError(work: PhaseWork, err: unknown, signal: AbortSignal): Promise<PhaseOutcome> {
    if (err instanceof PhaseLostError || signal.aborted) {
      await this.repo.release(work.jobId, this.opts.owner).catch(() => undefined);
      return signal.aborted ? 'stopped' : 'lost';
    }
    if (err instanceof ConstraintFailedError) {
      this.opts.log.error({ event: 'job_end', jobId: work.jobId, state: 'failed', constraint: err.constraint.name, err: err.message }, 'job failed');
      await this.repo.fail(work.jobId, err.constraint.id, err.message);
      return 'failed';
    }
    // Transient or unknown (connection lost, Postgres restarting): hand the phase back; the sweep retries.
    this.opts.log.warn({ jobId: work.jobId, err: err instanceof Error ? err.message : String(err) }, 'constraint phase interrupted; will retry');
    await this.repo.release(work.jobId, this.opts.owner).catch(() => undefined);
    return 'lost';
  }
}

/** SQLSTATE of a relation that does not exist (LOCK TABLE on a dropped name). */
const UNDEFINED_TABLE = '42P01';

/** A step's table is gone, or is not the table the job loaded: the job fails, nothing is built on it. */
class TableReplacedError extends Error {
  override readonly name = 'TableReplacedError';
}

/**
 * The tables a step builds on (its own, and a foreign key's parent) must still be the ones the
 * job loaded. A table dropped and re-made under the same name since (by another session, or a
 * later replace job) would otherwise get this job's keys. The ACCESS SHARE lock pins the name
 * to that table until the step commits: dropping or renaming it needs ACCESS EXCLUSIVE.
 */
async function requireLoadedTables(client: pg.PoolClient, work: PhaseWork, k: ConstraintRow): Promise<void> {
  for (const i of k.refTableIndex === null ? [k.tableIndex] : [k.tableIndex, k.refTableIndex]) {
    const t = work.tables[i];
    if (!t) throw new Error(`job ${work.jobId} has no table ${i}`);
    await lockLoadedTable<{ oid: string }>(client, t, '');
  }
}

/**
 * LOCK TABLE (ACCESS SHARE) and the oid check of requireLoadedTables for one table, with more
 * columns (`more`, a select list starting with a comma) read in the same round trip. Returns
 * that row.
 */
async function lockLoadedTable<R extends { oid: string }>(client: pg.PoolClient, t: { schema: string; table: string; oid: string | null }, more: string): Promise<R> {
  const name = qualify(t);
  const results = (await client.query(`LOCK TABLE ${name} IN ACCESS SHARE MODE; SELECT to_regclass(${client.escapeLiteral(name)})::oid::text AS oid${more}`).catch((err: unknown) => {
    throw (err as { code?: string }).code === UNDEFINED_TABLE ? new TableReplacedError(`table ${name} no longer exists; its constraints were not built`) : err;
  })) as unknown as pg.QueryResult<R>[];
  const locked = results[1]?.rows[0];
  if (!locked || (t.oid !== null && locked.oid !== t.oid)) throw new TableReplacedError(`table ${name} was dropped and re-created since the job loaded it; its constraints were not built`);
  return locked;
}

/** The catalog checks and DDL of one step; every name is quoted and schema-qualified. */
class StepSql {
  private readonly table: string;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly work: PhaseWork,
    private readonly k: ConstraintRow,
  ) {
    this.table = qualify(this.tableName(k.tableIndex));
  }

  run(what: keyof typeof STATE_AFTER): Promise<void> {
    switch (what) {
      case 'index':
        return this.ensureIndex();
      case 'attach':
        return this.attach();
      case 'add':
        return this.addForeignKey();
      case 'validate':
        return this.validate();
    }
  }

  private tableName(i: number): { schema: string; table: string } {
    const t = this.work.tables[i];
    if (!t) throw new Error(`job ${this.work.jobId} has no table ${i}`);
    return t;
  }

  private cols(names: string[]): string {
    return names.map(quoteIdent).join(', ');
  }

  /**
   * A key's step ('index' or 'attach') in two round trips, the same checks as ensureIndex and
   * attach: the table locked and checked, with the constraint and index looked up alongside;
   * then whatever DDL is still needed, with `record` (the state and COMMIT) in the same message.
   */
  async key(what: 'index' | 'attach', record: string): Promise<void> {
    const t = this.tableName(this.k.tableIndex);
    const lit = (v: string) => this.client.escapeLiteral(v);
    const index = qualify({ schema: t.schema, table: this.k.name });
    const found = await lockLoadedTable<{ oid: string; has_constraint: boolean; index_ours: boolean | null }>(
      this.client,
      { ...t, oid: this.work.tables[this.k.tableIndex]!.oid },
      `, EXISTS (SELECT 1 FROM pg_constraint WHERE conname = ${lit(this.k.name)} AND conrelid = to_regclass(${lit(this.table)})) AS has_constraint,
         (SELECT indrelid = to_regclass(${lit(this.table)}) FROM pg_index WHERE indexrelid = to_regclass(${lit(index)})) AS index_ours`,
    );
    const ddl: string[] = [];
    if (!found.has_constraint) {
      if (found.index_ours === false) throw new Error(`an index named ${this.k.name} exists on another table`);
      if (found.index_ours === null) ddl.push(this.createIndexSql());
      if (what === 'attach') ddl.push(this.attachSql());
    }
    await this.client.query([...ddl, record].join(';\n'));
  }

  private createIndexSql(): string {
    return `CREATE UNIQUE INDEX ${quoteIdent(this.k.name)} ON ${this.table} (${this.cols(this.k.columns)})`;
  }

  private attachSql(): string {
    return `ALTER TABLE ${this.table} ADD CONSTRAINT ${quoteIdent(this.k.name)} ${this.k.kind === 'primaryKey' ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${quoteIdent(this.k.name)}`;
  }

  /** The constraint of this name on this table: absent, or whether it is validated. */
  private async constraint(): Promise<{ validated: boolean } | undefined> {
    const res = await this.client.query<{ convalidated: boolean }>(
      `SELECT convalidated FROM pg_constraint WHERE conname = $1 AND conrelid = to_regclass($2)`,
      [this.k.name, this.table],
    );
    return res.rows[0] ? { validated: res.rows[0].convalidated } : undefined;
  }

  /**
   * Builds the unique index unless it (or the constraint that took it over) exists already.
   * `checked`: the caller has just found no constraint of this name.
   */
  private async ensureIndex(checked = false): Promise<void> {
    if (!checked && (await this.constraint())) return;
    const index = qualify({ schema: this.tableName(this.k.tableIndex).schema, table: this.k.name });
    const res = await this.client.query<{ ours: boolean }>(`SELECT indrelid = to_regclass($2) AS ours FROM pg_index WHERE indexrelid = to_regclass($1)`, [index, this.table]);
    if (res.rows[0]?.ours) return;
    if (res.rows[0]) throw new Error(`an index named ${this.k.name} exists on another table`);
    await this.client.query(this.createIndexSql());
  }

  /** `ADD CONSTRAINT … PRIMARY KEY / UNIQUE USING INDEX` (the index keeps the constraint's name). */
  private async attach(): Promise<void> {
    if (await this.constraint()) return;
    await this.ensureIndex(true);
    await this.client.query(this.attachSql());
  }

  /** Foreign key NOT VALID (brief lock, no scan); VALIDATE checks the rows in a separate step. */
  private async addForeignKey(): Promise<void> {
    if (await this.constraint()) return;
    const parent = qualify(this.tableName(this.k.refTableIndex ?? -1));
    await this.client.query(
      `ALTER TABLE ${this.table} ADD CONSTRAINT ${quoteIdent(this.k.name)} FOREIGN KEY (${this.cols(this.k.columns)}) REFERENCES ${parent} (${this.cols(this.k.refColumns ?? [])}) NOT VALID`,
    );
  }

  private async validate(): Promise<void> {
    const found = await this.constraint();
    if (found?.validated) return;
    if (!found) await this.addForeignKey();
    await this.client.query(`ALTER TABLE ${this.table} VALIDATE CONSTRAINT ${quoteIdent(this.k.name)}`);
  }
}
