import { ConflictError, type DatasetSpec, type DatasetTableSpec, type JobStatus } from '@rowflow/contracts';
import { JobRepository } from '@rowflow/jobs';
import type pg from 'pg';
import type { JobManifest, JobVerifyInput, StoredJobManifest, TableVerifyInput } from './job-manifest.js';

interface TableRow {
  index: number;
  name: string;
  schema: DatasetTableSpec;
  target_schema: string;
  target_table: string;
  rows_total: string;
  dataset: DatasetSpec | null;
}

/**
 * Reads what verify needs about a job through the job engine's public repository (status), plus
 * the specs stored with it, and keeps job manifests in `rowflow.job_manifests`.
 */
export class JobManifestStore {
  private readonly jobs: JobRepository;
  constructor(private readonly pool: pg.Pool) {
    this.jobs = new JobRepository(pool);
  }

  /** The job's seed, dataset and tables with their partitions (NotFoundError for an unknown id), and its state. */
  async job(id: string): Promise<{ input: JobVerifyInput; state: string; rowsWritten: number; rowsSkipped: number }> {
    const status = await this.jobs.get(id);
    const rows = await this.tables(id);
    const input: JobVerifyInput = {
      jobId: id,
      mode: status.mode,
      seed: status.seed,
      rowsTotal: status.rowsTotal,
      // The dataset as stored with the job: a dataset table's bytes are a function of all of it.
      dataset: rows[0]!.dataset,
      tables: rows.map((t) => tableInput(t, status)),
    };
    return { input, state: status.state, rowsWritten: status.rowsWritten, rowsSkipped: status.rowsSkipped };
  }

  /** Every table of a job as stored with it (its spec, where it wrote, its rows), in job order. */
  private async tables(id: string): Promise<TableRow[]> {
    const res = await this.pool.query<TableRow>(
      `SELECT t.index, t.name, t.schema, t.target_schema, t.target_table, t.rows_total, j.dataset
         FROM rowflow.job_tables t JOIN rowflow.jobs j ON j.id = t.job_id WHERE t.job_id = $1 ORDER BY t.index`,
      [id],
    );
    if (!res.rows.length) throw new ConflictError(`job ${id} has no tables recorded; it cannot be verified`);
    return res.rows;
  }

  async get(id: string): Promise<StoredJobManifest | undefined> {
    const res = await this.pool.query<{ manifest: StoredJobManifest }>('SELECT manifest FROM rowflow.job_manifests WHERE job_id = $1', [id]);
    return res.rows[0]?.manifest;
  }

  async put(m: JobManifest): Promise<void> {
    await this.pool.query('INSERT INTO rowflow.job_manifests (job_id, manifest) VALUES ($1, $2) ON CONFLICT (job_id) DO NOTHING', [m.jobId, JSON.stringify(m)]);
  }

  /** Completed jobs (single-table and dataset) that have no manifest yet, oldest first. */
  async missing(limit = 10): Promise<string[]> {
    const res = await this.pool.query<{ id: string }>(
      `SELECT j.id FROM rowflow.jobs j WHERE j.state = 'completed' AND NOT EXISTS (SELECT 1 FROM rowflow.job_manifests m WHERE m.job_id = j.id)
       ORDER BY j.finished_at LIMIT $1`,
      [limit],
    );
    return res.rows.map((r) => r.id);
  }
}

/** One stored table with its own partitions (partitions carry the index of their table). */
function tableInput(t: TableRow, status: JobStatus): TableVerifyInput {
  const index = Number(t.index);
  return {
    index,
    table: t.name,
    targetTable: t.target_table,
    // The schema the job wrote into when it ran (TARGET_SCHEMA may have changed since).
    targetSchema: t.target_schema,
    schema: t.schema,
    rowsTotal: Number(t.rows_total),
    partitions: status.partitions.filter((p) => (p.table ?? 0) === index).map((p) => ({ fromRow: p.fromRow, toRow: p.toRow })),
  };
}
