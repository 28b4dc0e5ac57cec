import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConflictError } from '@rowflow/contracts';
import { buildJobManifest, checkFidelity, JobManifestStore, type JobVerifyResult, type StoredJobManifest, verifyJob } from '@rowflow/export';
import type { FidelityReport } from '@rowflow/schema';
import { classifyError } from '@rowflow/pg';
import { logger } from '@rowflow/platform';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';
import { Database } from '../database/database.module.js';

/** How often a worker process writes the manifests of newly completed jobs. */
const WRITER_MS = 5000;
/** While a manifest is being written, how often the writer looks for a job that started meanwhile. */
const YIELD_CHECK_MS = 100;

/**
 * Job manifests and verify, for single-table and dataset jobs. A manifest (spec hash, seed, and
 * per table its row ranges with the sha256 of the CSV bytes the generator makes for each) is
 * computed from the deterministic generator after the job completed — by a background writer
 * here, or on first request — so the loading hot path stays untouched. Verify compares every
 * table with the generator's rows range by range inside Postgres.
 */
@Injectable()
export class ManifestsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = logger('ManifestsService');
  /** For HTTP handlers: the request pool (lock and acquire timeouts). */
  private readonly store: JobManifestStore;
  /** For the background writer: the workers' pool, which may wait on locks. */
  private readonly writer: JobManifestStore;
  private timer: NodeJS.Timeout | undefined;
  private writing = false;

  constructor(
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    private readonly db: Database,
  ) {
    this.store = new JobManifestStore(db.requests);
    this.writer = new JobManifestStore(db.pool);
  }

  onApplicationBootstrap(): void {
    if (!this.config.JOB_WORKERS) return;
    this.timer = setInterval(() => void this.writePending(), WRITER_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  manifest(id: string, signal?: AbortSignal): Promise<StoredJobManifest> {
    return this.manifestIn(this.store, id, signal);
  }

  private async manifestIn(store: JobManifestStore, id: string, signal?: AbortSignal): Promise<StoredJobManifest> {
    const stored = await storedManifest(store, id);
    if (stored) return stored;
    const job = await this.completedJob(store, id);
    const m = await buildJobManifest(job, signal);
    await store.put(m);
    return m;
  }

  /** `signal`: the request went away; the verify stops at once. */
  async verify(id: string, signal?: AbortSignal): Promise<JobVerifyResult> {
    const job = await this.completedJob(this.store, id);
    return verifyJob(this.db.requests, this.config.TARGET_SCHEMA, job, await storedManifest(this.store, id), signal);
  }

  /** Compares the statistics of a completed job's tables (ANALYZEd now) with the profile its spec carries. */
  async fidelity(id: string): Promise<FidelityReport> {
    const job = await this.completedJob(this.store, id);
    const dataset = job.dataset ?? { name: job.tables[0]?.table ?? 'table', tables: job.tables.map((t) => t.schema) };
    const loaded = job.tables.map((t) => ({ table: t.table, targetSchema: t.targetSchema ?? this.config.TARGET_SCHEMA, targetTable: t.targetTable }));
    return checkFidelity(this.db.requests, dataset, loaded);
  }

  private async jobsActive(): Promise<boolean> {
    const res = await this.db.pool.query(`SELECT 1 FROM rowflow.jobs WHERE state IN ('queued', 'running') LIMIT 1`);
    return (res.rowCount ?? 0) > 0;
  }

  private async completedJob(store: JobManifestStore, id: string) {
    const { input, state } = await store.job(id);
    if (state !== 'completed') throw new ConflictError(`job ${id} is ${state}; manifests and verify need a completed job`);
    return input;
  }

  /**
   * A manifest regenerates the job's rows (as much CPU as generating them for the load), so the
   * writer waits while any job is queued or running: it must not slow a load down. A job posted
   * while a manifest is being written stops that manifest within YIELD_CHECK_MS (it is written
   * again, whole, once no job runs): a 1M-row manifest took a core for most of a second, and a
   * job posted right after the previous one ended shared its first second with it. A manifest
   * asked for meanwhile is computed on request.
   */
  private async writePending(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    const yieldToJobs = new AbortController();
    const stopWatching = this.abortWhenJobsStart(yieldToJobs);
    try {
      if (await this.jobsActive()) return;
      for (const id of await this.writer.missing(5)) {
        if (yieldToJobs.signal.aborted || (await this.jobsActive())) return;
        await this.manifestIn(this.writer, id, yieldToJobs.signal);
      }
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'manifest writer: will retry');
    } finally {
      stopWatching();
      this.writing = false;
    }
  }

  /** Aborts `ac` once a job is queued or running (one check at a time); returns the stopper. */
  private abortWhenJobsStart(ac: AbortController): () => void {
    let checking = false;
    const check = async (): Promise<void> => {
      if (checking) return;
      checking = true;
      try {
        if (await this.jobsActive()) ac.abort();
      } catch {
        // The database is away: the manifest's own reads fail and the writer retries later.
      } finally {
        checking = false;
      }
    };
    const timer = setInterval(() => void check(), YIELD_CHECK_MS);
    timer.unref();
    return () => clearInterval(timer);
  }
}

/**
 * The stored manifest, if any. An id the column cannot hold (not a uuid) has none; any other
 * error — a lock timeout, the database gone — is the request's answer (409/503), not a reason to
 * rebuild the manifest from the tables.
 */
async function storedManifest(store: JobManifestStore, id: string): Promise<StoredJobManifest | undefined> {
  try {
    return await store.get(id);
  } catch (err) {
    if (classifyError(err) === 'data') return undefined;
    throw err;
  }
}
