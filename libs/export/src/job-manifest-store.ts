import { ConflictError, type TableSpec } from '@rowflow/contracts';
import { JobRepository } from '@rowflow/jobs';
import type pg from 'pg';
import type { JobManifest, JobVerifyInput } from './job-verify.js';

/**
 * Reads what verify needs about a job through the job engine's public repository (status), plus
 * the stored spec, and keeps job manifests in `rowflow.job_manifests`.
 */
export class JobManifestStore {
  private readonly jobs: JobRepository;
  constructor(private readonly pool: pg.Pool) {
    this.jobs = new JobRepository(pool);
  }

  /** The job's spec, seed and partitions (NotFoundError for an unknown id), and its state. */
  async job(id: string): Promise<{ input: JobVerifyInput; state: string; rowsWritten: number; rowsSkipped: number }> {
    const status = await this.jobs.get(id);
    const table = await this.singleTable(id);
    const input: JobVerifyInput = {
      jobId: id,
      table: status.table,
      targetTable: status.targetTable,
      // The schema the job wrote into when it ran (TARGET_SCHEMA may have changed since).
      targetSchema: table.target_schema,
      mode: status.mode,
      schema: table.schema,
      seed: status.seed,
      rowsTotal: status.rowsTotal,
      partitions: status.partitions.map((p) => ({ fromRow: p.fromRow, toRow: p.toRow })),
    };
    return { input, state: status.state, rowsWritten: status.rowsWritten, rowsSkipped: status.rowsSkipped };
  }

  /**
   * The one table of a job, as stored with it. Manifests and verify regenerate a table from its
   * own spec alone; a dataset table's keys depend on its parents' rows, so dataset jobs (and any
   * job of several tables) are refused rather than verified against the wrong bytes.
   */
  private async singleTable(id: string): Promise<{ schema: TableSpec; target_schema: string }> {
    const res = await this.pool.query<{ schema: TableSpec; target_schema: string; dataset: boolean }>(
      `SELECT t.schema, t.target_schema, j.dataset IS NOT NULL AS dataset FROM rowflow.job_tables t JOIN rowflow.jobs j ON j.id = t.job_id WHERE t.job_id = $1 ORDER BY t.index`,
      [id],
    );
    const first = res.rows[0];
    if (!first || res.rows.length > 1 || first.dataset) {
      throw new ConflictError(`job ${id} is a dataset job (${res.rows.length} tables); manifests and verify support single-table jobs only`);
    }
    return first;
  }

  async get(id: string): Promise<JobManifest | undefined> {
    const res = await this.pool.query<{ manifest: JobManifest }>('SELECT manifest FROM rowflow.job_manifests WHERE job_id = $1', [id]);
    return res.rows[0]?.manifest;
  }

  async put(m: JobManifest): Promise<void> {
    await this.pool.query('INSERT INTO rowflow.job_manifests (job_id, manifest) VALUES ($1, $2) ON CONFLICT (job_id) DO NOTHING', [m.jobId, JSON.stringify(m)]);
  }

  /** Completed jobs that have no manifest yet (oldest first). */
  async missing(limit = 10): Promise<string[]> {
    const res = await this.pool.query<{ id: string }>(
      `SELECT j.id FROM rowflow.jobs j WHERE j.state = 'completed' AND j.dataset IS NULL AND NOT EXISTS (SELECT 1 FROM rowflow.job_manifests m WHERE m.job_id = j.id)
       ORDER BY j.finished_at LIMIT $1`,
      [limit],
    );
    return res.rows.map((r) => r.id);
  }
}
