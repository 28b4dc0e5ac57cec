import type { ExportStatus } from '@rowflow/contracts';
import type { LogPort } from '@rowflow/jobs';
import { classifyError, DEFAULT_RETRY } from '@rowflow/pg';
import type pg from 'pg';
import { loadOrSavePlan, runExport } from './export-engine.js';
import { type ExportPlan, planExport } from './export-plan.js';
import type { ExportRepository } from './export-repository.js';
import { type ExportRequest, parseExportRequest } from './export-request.js';
import type { ExportManifest } from './manifest.js';
import { exportParquet } from './parquet-export.js';

/** Lease on a running export; renewed well within it, so only a dead process loses it. */
export const EXPORT_LEASE_SECONDS = 10;
const RENEW_MS = 3000;
const PROGRESS_MS = 250;

export interface ExportPaths {
  dir(id: string): string;
  file(id: string): string;
  /** Where a `format: "parquet"` export's file goes (the CSV it is made from stays at `file`). */
  parquetFile(id: string): string;
}

/**
 * Runs one export in this process under its lease: continues from the files' checkpoints (so a
 * restart, or another process sharing EXPORT_DIR, picks up where a crash left off), writes progress
 * at most 4×/s, renews the lease on a timer, and stops when the export is cancelled or taken over.
 */
export class ExportRunner {
  constructor(
    private readonly pool: pg.Pool,
    private readonly repo: ExportRepository,
    private readonly paths: ExportPaths,
    private readonly schema: string,
    private readonly owner: string,
    /** The jobs' retry window (JOB_RETRY_WINDOW): exports ride out what jobs ride out. */
    private readonly retryWindowMs: number,
    private readonly log: LogPort,
  ) {}

  async run(status: ExportStatus, signal: AbortSignal): Promise<void> {
    if (!(await this.repo.claim(status.id, this.owner, EXPORT_LEASE_SECONDS))) return;
    const local = new AbortController();
    const stop = () => local.abort();
    signal.addEventListener('abort', stop, { once: true });
    const tracker = new ProgressTracker(this.repo, status.id, this.owner, local);
    const renew = setInterval(() => void tracker.flush(), RENEW_MS);
    try {
      const plan = await this.plan(status);
      const m = await runExport(plan, {
        pool: this.pool, id: status.id, dir: this.paths.dir(status.id), finalPath: this.paths.file(status.id), signal: local.signal,
        retry: { ...DEFAULT_RETRY, windowMs: this.retryWindowMs },
        onProgress: (p) => tracker.update(p), onRetry: () => tracker.retried(),
      });
      // A Parquet export's status describes the file it serves; its manifest and verify stay the CSV's.
      const file = status.request.format === 'parquet' ? await exportParquet(this.pool, plan, this.paths.file(status.id), this.paths.parquetFile(status.id), local.signal) : m.file;
      await this.repo.complete(status.id, this.owner, { rows: m.file.rows, bytes: file.bytes, chunks: chunkCount(m), sha256: file.sha256 });
      this.log.info({ event: 'export_end', exportId: status.id, rows: m.file.rows, bytes: m.file.bytes }, 'export completed');
    } catch (err) {
      await this.onError(status.id, err, local.signal.aborted);
    } finally {
      clearInterval(renew);
      signal.removeEventListener('abort', stop);
    }
  }

  private plan(status: ExportStatus): Promise<ExportPlan> {
    // The plan was stored with the files at creation; re-planning only happens if they are gone.
    const req: ExportRequest = parseExportRequest(status.request);
    return loadOrSavePlan(this.paths.dir(status.id), () => planExport(this.pool, this.schema, req));
  }

  private async onError(id: string, err: unknown, aborted: boolean): Promise<void> {
    if (aborted) {
      // Shutdown or cancel: hand the lease back; a cancelled export stays cancelled.
      await this.repo.release(id, this.owner).catch(() => undefined);
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    const transient = classifyError(err) === 'transient';
    this.log.error({ event: 'export_end', exportId: id, state: 'failed', err: message, transient }, 'export failed');
    await this.repo.fail(id, this.owner, message, transient).catch(() => undefined);
  }
}

function chunkCount(m: ExportManifest): number {
  return m.parts.reduce((s, p) => s + p.chunks.length, 0);
}

/** Coalesces progress into at most one UPDATE per PROGRESS_MS; a lost lease aborts the run. */
class ProgressTracker {
  private latest = { rows: 0, bytes: 0, chunks: 0, retries: 0 };
  private last = 0;
  private inFlight = false;

  constructor(
    private readonly repo: ExportRepository,
    private readonly id: string,
    private readonly owner: string,
    private readonly abort: AbortController,
  ) {}

  update(p: { rows: number; bytes: number; chunks: number }): void {
    this.latest = { ...this.latest, ...p };
    if (Date.now() - this.last >= PROGRESS_MS) void this.flush();
  }

  retried(): void {
    this.latest.retries++;
  }

  async flush(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    this.last = Date.now();
    try {
      if (!(await this.repo.progress(this.id, this.owner, EXPORT_LEASE_SECONDS, this.latest))) this.abort.abort();
    } catch {
      // Postgres blip: the next flush renews; the lease outlives a few missed renewals.
    } finally {
      this.inFlight = false;
    }
  }
}
