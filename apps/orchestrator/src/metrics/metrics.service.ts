import { Injectable } from '@nestjs/common';
import type { DeadLetter, JobObserver } from '@rowflow/jobs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus registry (its own, not prom-client's global one, so several app
 * instances in one test process don't collide). Implements the jobs lib's JobObserver.
 */
@Injectable()
export class MetricsService implements JobObserver {
  readonly registry = new Registry();
  private activeJobsProvider: () => Promise<number> = () => Promise.resolve(0);
  private readonly rows = new Counter({ name: 'rowflow_job_rows_written_total', help: 'Rows committed by DB-insert jobs', registers: [this.registry] });
  private readonly chunks = new Counter({ name: 'rowflow_job_chunks_total', help: 'Chunk transactions committed', registers: [this.registry] });
  private readonly latency = new Histogram({
    name: 'rowflow_job_chunk_seconds',
    help: 'Chunk transaction latency (BEGIN..COMMIT, including retries)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly retries = new Counter({ name: 'rowflow_job_retries_total', help: 'Chunk retries after transient errors', registers: [this.registry] });
  private readonly dead = new Counter({ name: 'rowflow_job_dead_letters_total', help: 'Rows rejected by Postgres and dead-lettered', registers: [this.registry] });
  private readonly partitions = new Gauge({ name: 'rowflow_job_active_partitions', help: 'Partitions being worked by this process', registers: [this.registry] });
  private readonly finished = new Counter({ name: 'rowflow_jobs_finished_total', help: 'Jobs finished, by state', labelNames: ['state'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
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

  chunkCommitted(_jobId: string, rows: number, ms: number): void {
    this.rows.inc(rows);
    this.chunks.inc();
    this.latency.observe(ms / 1000);
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
