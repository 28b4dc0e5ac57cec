import { RowThreadPool } from '@rowflow/generator';
import { logger } from '@rowflow/platform';
import { findTable } from '@rowflow/schema';
import type { OrchestratorConfig } from '../config/orchestrator-config.js';

/**
 * What each row thread generates at start: enough to start the thread (an isolate loading the
 * generator's modules, the bulk of it), a cheap table so that the warm-up is over quickly. Warming
 * on 2,000 `users` rows also loaded their word lists, 0.4–0.6 CPU s per thread more, which a job
 * posted right after start shared its cores with; it saved that job's first `users` chunk ~0.1 s.
 */
const WARM_TABLE = 'pgbench_accounts';
const WARM_ROWS = 1_000;

/** Where the row threads stand: not used by this process's jobs, starting, or ready. */
export type RowThreadsState = 'off' | 'warming' | 'warm';

type RowThreadsConfig = Pick<OrchestratorConfig, 'JOB_WORKERS' | 'JOB_ROW_SOURCE' | 'JOB_ROW_THREADS'>;

/**
 * The worker threads this process's jobs generate rows on (JOB_ROW_SOURCE=local, JOB_ROW_THREADS
 * > 0). A thread's start costs about half a CPU second (an isolate loading the generator and its
 * schema validators), so `warm` starts them all before the first job needs them; `main` calls
 * it before it even loads the HTTP app, so that the threads load on the other cores while the
 * main thread loads Nest, instead of after `/health` answers, when a job posted at once waited
 * for them.
 */
export class RowThreads {
  private threads: RowThreadPool | undefined;
  private warming: Promise<void> | undefined;
  private warmed = false;

  constructor(private readonly config: RowThreadsConfig) {}

  /** Whether this process's jobs generate on row threads (and so warms them). */
  get used(): boolean {
    return this.config.JOB_WORKERS && this.config.JOB_ROW_SOURCE === 'local' && this.config.JOB_ROW_THREADS > 0;
  }

  get state(): RowThreadsState {
    if (!this.used) return 'off';
    return this.warmed ? 'warm' : 'warming';
  }

  /** The pool (its threads start on first use, or with `warm`). */
  pool(): RowThreadPool {
    return (this.threads ??= new RowThreadPool(this.config.JOB_ROW_THREADS));
  }

  /**
   * Starts every thread in the background and has each generate WARM_ROWS rows (once; later
   * calls return the same promise). Best effort: a failure is logged and only means the first
   * job starts the threads itself; it counts as warm, so nothing waits on it forever.
   */
  warm(): Promise<void> {
    if (!this.used) return Promise.resolve();
    return (this.warming ??= this.warmPool().finally(() => (this.warmed = true)));
  }

  async close(): Promise<void> {
    await this.threads?.close();
  }

  private async warmPool(): Promise<void> {
    const started = performance.now();
    const log = logger('RowThreads');
    try {
      await this.pool().warm({ kind: 'table', spec: findTable(WARM_TABLE), seed: 1, offset: 0, rows: WARM_ROWS, format: 'csv', header: false });
      log.debug({ event: 'row_threads_warm', threads: this.config.JOB_ROW_THREADS, ms: Math.round(performance.now() - started) }, 'row threads warm');
    } catch (err) {
      log.debug({ err: err instanceof Error ? err.message : String(err) }, 'row thread warm-up skipped');
    }
  }
}
