import type { CreateExportRequest, ExportStatus } from '@rowflow/contracts';
import { type LogPort, type Repeating, Startup, type TimerPort } from '@rowflow/jobs';
import type { ExportRepository } from './export-repository.js';

/** The export store calls the lifecycle makes on the workers' pool (ExportRepository). */
export type ExportStorePort = Pick<ExportRepository, 'get' | 'orphaned' | 'reopenTransientFailures' | 'expired' | 'delete'>;
/** The store calls API operations make; the server gives it the request pool (lock and acquire timeouts). */
export type ExportApiPort = Pick<ExportRepository, 'create' | 'get' | 'list' | 'cancel' | 'resume'>;

export interface ExportOrchestratorDeps {
  store: ExportStorePort;
  /** The store as API callers reach it (the server: the request pool, so a locked table is a quick 409). */
  api: ExportApiPort;
  /** Creates/updates the export tables (idempotent). */
  migrate(): Promise<void>;
  /** Runs one export under its lease until it ends, is cancelled, taken over, or `signal` aborts (ExportRunner.run). */
  run(status: ExportStatus, signal: AbortSignal): Promise<void>;
  /** Removes an export's files (its directory). */
  removeFiles(id: string): Promise<void>;
  timers: TimerPort;
  log: LogPort;
}

export interface ExportOrchestratorOptions {
  /** Run exports in this process (false: API only). */
  workers: boolean;
  /** How often to look for exports nobody holds a live lease on (a process died elsewhere). */
  sweepMs: number;
  /** How long an API call waits for start-up before it is told the store is unavailable. */
  readyTimeoutMs: number;
  /** Cap of the start-up retry backoff. */
  startBackoffCapMs: number;
  /** Ended exports older than this are deleted, files first (EXPORT_RETENTION); 0 keeps them. */
  retentionMs: number;
}

export const DEFAULT_EXPORT_ORCHESTRATOR: ExportOrchestratorOptions = { workers: true, sweepMs: 3000, readyTimeoutMs: 15_000, startBackoffCapMs: 5000, retentionMs: 0 };

/** EXPORT_RETENTION is enforced this often at most (and at least every quarter of it, from 1 s). */
const RETENTION_CHECK_MAX_MS = 60_000;

/**
 * The export lifecycle without a framework, beside JobOrchestrator and with the same pieces:
 * start-up that waits for the database (Startup), a run per export in this process (claimed under a lease
 * by the runner, transient failures retried for the jobs' retry window), a periodic sweep that
 * continues any export whose process died or stopped (its lease lapsed) and re-opens exports
 * that gave up on a transient failure, the retention purge, and the API operations (each
 * waiting for start-up). Time and I/O are ports; the server wires Postgres and real timers.
 */
export class ExportOrchestrator {
  private readonly opts: ExportOrchestratorOptions;
  private readonly stopping = new AbortController();
  private readonly running = new Map<string, Promise<void>>();
  private readonly cancels = new Map<string, AbortController>();
  private readonly timers: Repeating[] = [];
  private readonly startup: Startup;
  private sweeping = false;

  constructor(
    private readonly deps: ExportOrchestratorDeps,
    opts: Partial<ExportOrchestratorOptions> = {},
  ) {
    this.opts = { ...DEFAULT_EXPORT_ORCHESTRATOR, ...opts };
    this.startup = new Startup('export store', deps.timers, deps.log, { readyTimeoutMs: this.opts.readyTimeoutMs, backoffCapMs: this.opts.startBackoffCapMs });
  }

  /** Aborted on stop(); every run started here listens on it. */
  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  /** Starts in the background (retrying) so the process boots while Postgres is still down. */
  start(): void {
    this.startup.begin(() => this.startOnce(), this.stopping.signal);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    for (const t of this.timers) t.cancel();
    await Promise.allSettled([...this.running.values()]);
  }

  /** Resolves once started; UnavailableError if start-up does not finish within readyTimeoutMs. */
  whenReady(): Promise<void> {
    return this.startup.whenReady();
  }

  /** Records a planned export (its directory already prepared under `id`) and starts it here. */
  async create(req: CreateExportRequest, rowsEstimate: number | null, id: string): Promise<ExportStatus> {
    await this.whenReady();
    await this.deps.api.create(req, rowsEstimate, id);
    this.kick(id);
    return this.deps.api.get(id);
  }

  async list(): Promise<ExportStatus[]> {
    await this.whenReady();
    return this.deps.api.list();
  }

  async get(id: string): Promise<ExportStatus> {
    await this.whenReady();
    return this.deps.api.get(id);
  }

  /** Cancels; a run of it in this process stops at once (elsewhere: at its next progress report). */
  async cancel(id: string): Promise<ExportStatus> {
    await this.whenReady();
    const s = await this.deps.api.cancel(id);
    this.cancels.get(id)?.abort();
    return s;
  }

  /** Re-opens a cancelled/failed export; it continues from its checkpoints. */
  async resume(id: string): Promise<ExportStatus> {
    await this.whenReady();
    const s = await this.deps.api.resume(id);
    this.kick(id);
    return s;
  }

  /** Deletes an ended export: its files, then its row (409 while it runs). */
  async delete(id: string): Promise<void> {
    await this.whenReady();
    await this.deps.store.delete(id, () => this.deps.removeFiles(id));
  }

  private async startOnce(): Promise<void> {
    await this.deps.migrate();
    // Start-up sweep: exports of a process that died are continued; then periodically.
    if (!this.opts.workers || this.stopping.signal.aborted) return;
    await this.sweep();
    this.timers.push(this.deps.timers.every(this.opts.sweepMs, () => void this.sweep()));
    this.startRetention();
  }

  /**
   * Re-opens exports that gave up on a transient failure (kept longer than the retry window) and
   * starts every export nobody holds a live lease on. Never throws; never overlaps itself.
   */
  async sweep(): Promise<void> {
    if (this.sweeping || this.stopping.signal.aborted) return;
    this.sweeping = true;
    try {
      const reopened = await this.deps.store.reopenTransientFailures();
      if (reopened.length) this.deps.log.warn({ exports: reopened }, 'exports failed on a transient error; continuing them');
      for (const id of await this.deps.store.orphaned()) this.kick(id);
    } catch (err) {
      this.deps.log.warn({ err: message(err) }, 'export sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  /** Runs an export in the background, at most once at a time per export in this process. */
  private kick(id: string): void {
    if (!this.opts.workers || this.running.has(id) || this.stopping.signal.aborted) return;
    const cancel = new AbortController();
    const stop = (): void => cancel.abort();
    this.stopping.signal.addEventListener('abort', stop, { once: true });
    const run = this.deps.store
      .get(id)
      .then((s) => this.deps.run(s, cancel.signal))
      .catch((err: unknown) => this.deps.log.warn({ exportId: id, err: message(err) }, 'export run ended with an error'))
      .finally(() => {
        // The shutdown signal lives as long as the process: a run's listener must go with the run.
        this.stopping.signal.removeEventListener('abort', stop);
        this.running.delete(id);
        this.cancels.delete(id);
      });
    this.running.set(id, run);
    this.cancels.set(id, cancel);
  }

  private startRetention(): void {
    const retention = this.opts.retentionMs;
    if (retention <= 0) return;
    void this.purge(retention);
    this.timers.push(this.deps.timers.every(Math.min(RETENTION_CHECK_MAX_MS, Math.max(1000, retention / 4)), () => void this.purge(retention)));
  }

  private async purge(retention: number): Promise<void> {
    if (this.stopping.signal.aborted) return;
    try {
      for (const id of await this.deps.store.expired(retention)) {
        await this.deps.store.delete(id, () => this.deps.removeFiles(id)).then(
          () => this.deps.log.info({ event: 'export_expired', exportId: id }, 'export deleted (EXPORT_RETENTION)'),
          (err: unknown) => this.deps.log.warn({ exportId: id, err: message(err) }, 'expired export not deleted yet'),
        );
      }
    } catch (err) {
      this.deps.log.warn({ err: message(err) }, 'export retention check failed');
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
