import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap, ServiceUnavailableException } from '@nestjs/common';
import { ConflictError, type CreateExportRequest, type ExportStatus } from '@rowflow/contracts';
import { ExportRepository, type ExportManifest, type ExportPlan, type FileVerifyResult, insideDir, loadOrSavePlan, manifestFile, parseExportRequest, planExport, readJson, verifyFile } from '@rowflow/export';
import { migrate } from '@rowflow/jobs';
import { retryUntilStarted } from '@rowflow/pg';
import { logger } from '@rowflow/platform';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';
import { Database } from '../database/database.module.js';
import { type ExportPaths, ExportWorker } from './export-worker.js';

/** How often each worker process looks for exports nobody holds a live lease on. */
const SWEEP_MS = 3000;
/** Cap of the wait between start-up attempts while the database is not there yet. */
const START_BACKOFF_CAP_MS = 5000;
/** EXPORT_RETENTION is enforced this often at most (and at least every quarter of it, from 1 s). */
const RETENTION_CHECK_MAX_MS = 60_000;

/**
 * Exports feature: validates and plans an export against the database before answering 202, then
 * runs it in this process (JOB_WORKERS); a periodic sweep continues any export whose process died
 * or stopped (its lease lapsed), from its checkpoints, so exports finish by themselves after a crash.
 */
@Injectable()
export class ExportsService implements OnApplicationBootstrap, BeforeApplicationShutdown, ExportPaths {
  private readonly log = logger('ExportsService');
  private readonly repo: ExportRepository;
  /** The same store through the request pool (lock and acquire timeouts) for HTTP handlers. */
  private readonly requests: ExportRepository;
  private readonly worker: ExportWorker;
  private readonly root: string;
  private readonly running = new Map<string, Promise<void>>();
  private readonly cancels = new Map<string, AbortController>();
  private readonly stopping = new AbortController();
  private ready: Promise<void> | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private retentionTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    private readonly db: Database,
  ) {
    setMaxListeners(256, this.stopping.signal);
    this.root = resolve(config.EXPORT_DIR);
    this.repo = new ExportRepository(db.pool);
    this.requests = new ExportRepository(db.requests);
    this.worker = new ExportWorker(db.pool, this.repo, this, config.TARGET_SCHEMA, `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, config.JOB_RETRY_WINDOW);
  }

  dir(id: string): string {
    return insideDir(this.root, id);
  }

  file(id: string): string {
    return join(this.dir(id), 'export.csv');
  }

  parquetFile(id: string): string {
    return join(this.dir(id), 'export.parquet');
  }

  onApplicationBootstrap(): void {
    this.ready = this.startWithRetries();
    this.ready.catch(() => undefined);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    clearInterval(this.sweepTimer);
    clearInterval(this.retentionTimer);
    await Promise.allSettled([...this.running.values()]);
  }

  async create(body: unknown): Promise<ExportStatus> {
    const req = parseExportRequest(body);
    await this.whenReady();
    // Planning checks table, order key and filter against the database: errors are 400s, before any 202.
    // On the request pool: a table locked by someone else is a quick 409, not a request that
    // holds a connection for as long as the lock lasts.
    const plan = await planExport(this.db.requests, this.config.TARGET_SCHEMA, req);
    // The plan file first: with EXPORT_DIR unwritable nothing is recorded (no row failing later).
    const id = randomUUID();
    await this.savePlan(id, plan);
    try {
      await this.requests.create(req as CreateExportRequest, plan.rowsEstimate, id);
    } catch (err) {
      await rm(this.dir(id), { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
    this.kick(id);
    return this.requests.get(id);
  }

  /** Writes the export's plan into its directory; a file-system failure is a 503 without the server's path. */
  private async savePlan(id: string, plan: ExportPlan): Promise<void> {
    try {
      await loadOrSavePlan(this.dir(id), () => Promise.resolve(plan));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      this.log.error({ exportId: id, err: (err as Error).message }, 'EXPORT_DIR is not writable');
      throw new ServiceUnavailableException(`the export directory (EXPORT_DIR) is not writable (${code}); no export was created — an operator has to fix the directory`);
    }
  }

  async list(): Promise<ExportStatus[]> {
    await this.whenReady();
    return this.requests.list();
  }

  async get(id: string): Promise<ExportStatus> {
    await this.whenReady();
    return this.requests.get(id);
  }

  async cancel(id: string): Promise<ExportStatus> {
    await this.whenReady();
    const s = await this.requests.cancel(id);
    this.cancels.get(id)?.abort();
    return s;
  }

  async resume(id: string): Promise<ExportStatus> {
    await this.whenReady();
    const s = await this.requests.resume(id);
    this.kick(id);
    return s;
  }

  /** Deletes an ended export: its files (CSV, Parquet, parts, checkpoints, manifest), then its row. */
  async delete(id: string): Promise<void> {
    await this.whenReady();
    await this.repo.delete(id, () => rm(this.dir(id), { recursive: true, force: true }));
  }

  /** The finished file: path, size, a download name and its content type. 409 until completed. */
  async download(id: string): Promise<{ path: string; size: number; name: string; type: string }> {
    const s = await this.completed(id);
    const parquet = s.request.format === 'parquet';
    const path = parquet ? this.parquetFile(id) : this.file(id);
    const type = parquet ? 'application/vnd.apache.parquet' : 'text/csv; charset=utf-8';
    return { path, size: (await stat(path)).size, name: `${s.table}.${parquet ? 'parquet' : 'csv'}`, type };
  }

  /** The export's manifest (without the server's file path). */
  async manifest(id: string): Promise<ExportManifest> {
    await this.completed(id);
    const m = await readJson<ExportManifest>(manifestFile(this.dir(id)));
    if (!m) throw new ConflictError(`export ${id} has no manifest`);
    const file = { ...m.file };
    delete file.path; // server-internal
    return { ...m, file };
  }

  /** Re-hashes the finished file chunk by chunk against its manifest. */
  async verify(id: string): Promise<FileVerifyResult> {
    await this.completed(id);
    const m = await readJson<ExportManifest>(manifestFile(this.dir(id)));
    if (!m) throw new ConflictError(`export ${id} has no manifest`);
    return verifyFile(this.file(id), m);
  }

  private async completed(id: string): Promise<ExportStatus> {
    const s = await this.get(id);
    if (s.state !== 'completed') throw new ConflictError(`export ${id} is ${s.state}; the file is available once it is completed`);
    return s;
  }

  private kick(id: string): void {
    if (!this.config.JOB_WORKERS || this.running.has(id) || this.stopping.signal.aborted) return;
    const cancel = new AbortController();
    const stop = (): void => cancel.abort();
    this.stopping.signal.addEventListener('abort', stop, { once: true });
    const run = this.repo
      .get(id)
      .then((s) => this.worker.run(s, cancel.signal))
      .catch((err: unknown) => this.log.warn({ exportId: id, err: (err as Error).message }, 'export run ended with an error'))
      .finally(() => {
        // The shutdown signal lives as long as the process: a run's listener must go with the run.
        this.stopping.signal.removeEventListener('abort', stop);
        this.running.delete(id);
        this.cancels.delete(id);
      });
    this.running.set(id, run);
    this.cancels.set(id, cancel);
  }

  private async whenReady(): Promise<void> {
    if (!this.ready) throw new ServiceUnavailableException('export store is starting');
    await this.ready;
  }

  private async startWithRetries(): Promise<void> {
    await retryUntilStarted(() => migrate(this.db.pool), {
      signal: this.stopping.signal,
      capMs: START_BACKOFF_CAP_MS,
      onRetry: (err, attempt) => this.log.warn({ err: (err as Error).message, attempt }, 'exports start-up failed; retrying'),
    });
    // Shut down while still starting (e.g. a test closing the app at once): no sweeps on a closed pool.
    if (!this.config.JOB_WORKERS || this.stopping.signal.aborted) return;
    await this.sweep();
    if (this.stopping.signal.aborted) return;
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
    this.startRetention();
  }

  /** EXPORT_RETENTION > 0: ended exports older than it are deleted, files first, by the worker processes. */
  private startRetention(): void {
    const retention = this.config.EXPORT_RETENTION;
    if (retention <= 0) return;
    void this.purge(retention);
    this.retentionTimer = setInterval(() => void this.purge(retention), Math.min(RETENTION_CHECK_MAX_MS, Math.max(1000, retention / 4)));
    this.retentionTimer.unref();
  }

  private async purge(retention: number): Promise<void> {
    if (this.stopping.signal.aborted) return;
    try {
      for (const id of await this.repo.expired(retention)) {
        await this.delete(id).then(
          () => this.log.info({ event: 'export_expired', exportId: id }, 'export deleted (EXPORT_RETENTION)'),
          (err: unknown) => this.log.warn({ exportId: id, err: (err as Error).message }, 'expired export not deleted yet'),
        );
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'export retention check failed');
    }
  }

  private async sweep(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    try {
      // Gave up on a transient failure (kept longer than the retry window): try again, from the checkpoints.
      const reopened = await this.repo.reopenTransientFailures();
      if (reopened.length) this.log.warn({ exports: reopened }, 'exports failed on a transient error; continuing them');
      for (const id of await this.repo.orphaned()) this.kick(id);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'export sweep failed');
    }
  }
}
