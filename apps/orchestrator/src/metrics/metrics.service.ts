import { Inject, Injectable } from '@nestjs/common';
import type { DeadLetter, JobObserver } from '@rowflow/jobs';
import { logger, MemoryWatch, StreamMetrics } from '@rowflow/platform';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';

/**
 * The process's Prometheus registry (its own, not prom-client's global one, so several app
 * instances in one test process don't collide). Implements the jobs lib's JobObserver; owns the
 * stream metrics (preview, download, job events) and the memory watch.
 */
@Injectable()
export class MetricsService implements JobObserver {
  private readonly log: Logger;
  readonly registry = new Registry();
  readonly streams: StreamMetrics;
  readonly memory: MemoryWatch;
  private activeJobsProvider: () => Promise<number> = () => Promise.resolve(0);
  private chunkLogCount = 0;
  private readonly chunkLogEvery: number;
  private readonly rows = new Counter({ name: 'rowflow_job_rows_written_total', help: 'Rows committed by DB-insert jobs', registers: [this.registry] });
  private readonly chunks = new Counter({ name: 'rowflow_job_chunks_total', help: 'Chunk transactions committed', registers: [this.registry] });
  private readonly latency = new Histogram({
    name: 'rowflow_job_chunk_seconds',
    help: 'Chunk transaction latency (BEGIN..COMMIT, including retries)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly phases = new Histogram({
    name: 'rowflow_job_phase_seconds',
    help: 'Duration of job phases (e.g. loading, building indexes)',
    labelNames: ['phase'],
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  private readonly retries = new Counter({ name: 'rowflow_job_retries_total', help: 'Chunk retries after transient errors', registers: [this.registry] });
  private readonly dead = new Counter({ name: 'rowflow_job_dead_letters_total', help: 'Rows rejected by Postgres and dead-lettered', registers: [this.registry] });
  private readonly partitions = new Gauge({ name: 'rowflow_job_active_partitions', help: 'Partitions being worked by this process', registers: [this.registry] });
  private readonly finished = new Counter({ name: 'rowflow_jobs_finished_total', help: 'Jobs finished, by state', labelNames: ['state'], registers: [this.registry] });
  private readonly statusReads = new Counter({ name: 'rowflow_job_status_reads_total', help: 'Job status reads made by the shared progress feeds (one per interval per watched job)', registers: [this.registry] });
  private readonly refused = new Counter({ name: 'rowflow_memory_refusals_total', help: 'Requests refused (503) because the process was over MEMORY_BUDGET_MB', labelNames: ['what'], registers: [this.registry] });

  constructor(@Inject(ORCHESTRATOR_CONFIG) config: OrchestratorConfig) {
    collectDefaultMetrics({ register: this.registry });
    // The configured level also for in-process apps (tests) that never set the root logger's.
    this.streams = new StreamMetrics(this.registry, logger('Streams').child({}, { level: config.LOG_LEVEL }));
    this.memory = new MemoryWatch(config.MEMORY_BUDGET_MB);
    this.chunkLogEvery = config.CHUNK_LOG_EVERY;
    this.log = logger('Metrics').child({}, { level: config.LOG_LEVEL });
    const count = () => this.activeJobsProvider().catch(() => 0);
    new Gauge({
      name: 'rowflow_jobs_active',
      help: 'Jobs queued or running (all processes, read from the job tables)',
      registers: [this.registry],
      async collect() {
        this.set(await count());
      },
    });
  }

  /** The jobs feature tells the gauge how to count active jobs. */
  setActiveJobsProvider(fn: () => Promise<number>): void {
    this.activeJobsProvider = fn;
  }

  /** See StreamMetrics.streamStarted. */
  streamStarted(endpoint: string, fields?: Record<string, unknown>): ReturnType<StreamMetrics['streamStarted']> {
    return this.streams.streamStarted(endpoint, fields);
  }

  /** The progress feed read one job's status. */
  statusRead(): void {
    this.statusReads.inc();
  }

  /** Counts a request refused by the memory budget. */
  memoryRefusal(what: 'preview' | 'download'): void {
    this.refused.inc({ what });
  }

  chunkCommitted(jobId: string, rows: number, ms: number): void {
    this.rows.inc(rows);
    this.chunks.inc();
    this.latency.observe(ms / 1000);
    // A line per commit is hundreds a second under load: debug only (the job's start, phases and
    // end are at info). CHUNK_LOG_EVERY=n keeps 1 in n of them (counted per process).
    if (this.chunkLogCount++ % this.chunkLogEvery === 0) {
      this.log.debug({ event: 'chunk_committed', jobId, rows, ms: Math.round(ms), sampledOneIn: this.chunkLogEvery }, 'chunk committed');
    }
  }

  phaseFinished(jobId: string, phase: string, ms: number): void {
    this.phases.observe({ phase }, ms / 1000);
    this.log.info({ event: 'job_phase', jobId, phase, ms: Math.round(ms) }, 'job phase finished');
  }

  retried(): void {
    this.retries.inc();
  }

  deadLettered(_jobId: string, rows: DeadLetter[]): void {
    this.dead.inc(rows.length);
  }

  partitionActive(delta: 1 | -1): void {
    this.partitions.inc(delta);
  }

  jobFinished(_jobId: string, state: 'completed' | 'failed'): void {
    this.finished.inc({ state });
  }
}
