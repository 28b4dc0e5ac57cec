import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap, ServiceUnavailableException } from '@nestjs/common';
import { ConflictError, type CreateExportRequest, type ExportStatus } from '@rowflow/contracts';
import {
  ExportOrchestrator,
  ExportRepository,
  type ExportManifest,
  type ExportPaths,
  type ExportPlan,
  ExportRunner,
  type FileVerifyResult,
  insideDir,
  loadOrSavePlan,
  manifestFile,
  parseExportRequest,
  planExport,
  readJson,
  verifyFile,
} from '@rowflow/export';
import { realTimers } from '@rowflow/jobs';
import { logger } from '@rowflow/platform';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';
import { Database } from '../database/database.module.js';

/**
 * Nest adapter of the export lifecycle (ExportOrchestrator in @rowflow/export: start-up retries,
 * runs under a lease, sweep and take-over, retention): wires Postgres, EXPORT_DIR and real timers,
 * validates and plans an export against the database before answering 202, serves the finished
 * file, and maps "not ready" to 503.
 */
@Injectable()
export class ExportsService implements OnApplicationBootstrap, BeforeApplicationShutdown, ExportPaths {
  private readonly log = logger('ExportsService');
  private readonly root: string;
  private readonly orchestrator: ExportOrchestrator;

  constructor(
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    private readonly db: Database,
  ) {
    this.root = resolve(config.EXPORT_DIR);
    const store = new ExportRepository(db.pool);
    const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const runner = new ExportRunner(db.pool, store, this, config.TARGET_SCHEMA, owner, config.JOB_RETRY_WINDOW, logger('ExportRunner'));
    this.orchestrator = new ExportOrchestrator(
      {
        store,
        // API calls on the request pool: a locked table is a quick 409, never a held connection.
        api: new ExportRepository(db.requests),
        migrate: () => db.migrate(),
        run: (status, signal) => runner.run(status, signal),
        removeFiles: (id) => rm(this.dir(id), { recursive: true, force: true }),
        timers: realTimers,
        log: logger('ExportOrchestrator'),
      },
      { workers: config.JOB_WORKERS, retentionMs: config.EXPORT_RETENTION },
    );
    setMaxListeners(256, this.orchestrator.signal);
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
    this.orchestrator.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.orchestrator.stop();
  }

  async create(body: unknown): Promise<ExportStatus> {
    const req = parseExportRequest(body);
    await this.orchestrator.whenReady();
    // Planning checks table, order key and filter against the database: errors are 400s, before any 202.
    // On the request pool: a table locked by someone else is a quick 409, not a request that
    // holds a connection for as long as the lock lasts.
    const plan = await planExport(this.db.requests, this.config.TARGET_SCHEMA, req);
    // The plan file first: with EXPORT_DIR unwritable nothing is recorded (no row failing later).
    const id = randomUUID();
    await this.savePlan(id, plan);
    try {
      return await this.orchestrator.create(req as CreateExportRequest, plan.rowsEstimate, id);
    } catch (err) {
      await rm(this.dir(id), { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
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

  list(): Promise<ExportStatus[]> {
    return this.orchestrator.list();
  }

  get(id: string): Promise<ExportStatus> {
    return this.orchestrator.get(id);
  }

  cancel(id: string): Promise<ExportStatus> {
    return this.orchestrator.cancel(id);
  }

  resume(id: string): Promise<ExportStatus> {
    return this.orchestrator.resume(id);
  }

  /** Deletes an ended export: its files (CSV, Parquet, parts, checkpoints, manifest), then its row. */
  delete(id: string): Promise<void> {
    return this.orchestrator.delete(id);
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
}
