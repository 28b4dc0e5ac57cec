import type { TableSpec } from '@rowflow/contracts';
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
    const res = await this.pool.query<{ schema: TableSpec; target_schema: string }>('SELECT schema, target_schema FROM rowflow.jobs WHERE id = $1', [id]);
    const input: JobVerifyInput = {
      jobId: id,
      table: status.table,
      targetTable: status.targetTable,
      // The schema the job wrote into when it ran (TARGET_SCHEMA may have changed since).
      targetSchema: res.rows[0]!.target_schema,
      mode: status.mode,
      schema: res.rows[0]!.schema,
      seed: status.seed,
      rowsTotal: status.rowsTotal,
      partitions: status.partitions.map((p) => ({ fromRow: p.fromRow, toRow: p.toRow })),
    };
    return { input, state: status.state, rowsWritten: status.rowsWritten, rowsSkipped: status.rowsSkipped };
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
      `SELECT j.id FROM rowflow.jobs j WHERE j.state = 'completed' AND NOT EXISTS (SELECT 1 FROM rowflow.job_manifests m WHERE m.job_id = j.id)
       ORDER BY j.finished_at LIMIT $1`,
      [limit],
    );
    return res.rows.map((r) => r.id);
  }
}
