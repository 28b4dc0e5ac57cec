import PgBoss from 'pg-boss';
import type { OpenPartition } from './job-repository.js';
import type { LogPort, QueuePort } from './ports.js';

export const PARTITION_QUEUE = 'rowflow-partition';

/** Partitions per INSERT (pg-boss sends them as one JSON parameter). */
const INSERT_BATCH = 1000;

/**
 * How long a delivery may stay `active`. A killed worker never completes its delivery; pg-boss's
 * maintenance fails it after this (it stayed active for 12 h). The partition itself was taken over
 * long before, through its lease. A live partition may run longer: pg-boss then stops waiting
 * for it, and the worker slot stays busy until it ends (see work).
 */
export const DELIVERY_EXPIRE_SECONDS = 15 * 60;

/**
 * The queue's deduplication key: the partition, or for small partitions delivered together their
 * job and batch group — stored with each partition, so a sweep enqueueing a group still waiting
 * forms the same key and is dropped instead of delivering its partitions twice.
 */
function deliveryKey(p: OpenPartition): string {
  return p.group === undefined || p.group === null ? String(p.partitionId) : `${p.jobId}:batch:${p.group}`;
}

/**
 * pg-boss behind the QueuePort: one pg-boss job per partition, or per batch of small ones. Any process with workers may pick
 * any partition. pg-boss only distributes work; exactness comes from the fenced checkpoints, so
 * a partition delivered twice (re-enqueued by a sweep while still being worked) is harmless.
 */
export class PgBossQueue implements QueuePort {
  private readonly boss: PgBoss;
  private readonly workerIds: string[] = [];

  constructor(
    databaseUrl: string,
    private readonly log: LogPort,
  ) {
    // 'short' policy + singletonKey = partition id (or batch group, see deliveryKey): at most one
    // *waiting* pg-boss job per partition, so repeated sweeps don't pile duplicates up.
    this.boss = new PgBoss({ connectionString: databaseUrl, max: 3, schedule: false, supervise: true, application_name: 'rowflow-jobs-queue' });
    this.boss.on('error', (err: Error) => log.warn({ err: err.message }, 'pg-boss error'));
  }

  async start(): Promise<void> {
    await this.boss.start();
    const options = { name: PARTITION_QUEUE, policy: 'short', retryLimit: 0, expireInSeconds: DELIVERY_EXPIRE_SECONDS } as const;
    await this.boss.createQueue(PARTITION_QUEUE, options);
    // A queue created by an older version keeps its options otherwise.
    await this.boss.updateQueue(PARTITION_QUEUE, options);
  }

  /**
   * `concurrency` slots, each running one partition at a time. pg-boss gives up waiting for a
   * handler after the delivery's expiration and fetches the next one; a slot still busy with its
   * partition then hands that delivery back at once (the sweep enqueues the partition again),
   * so a long partition never makes the process run more partitions than its slots.
   * After a partition, a consumer asks for the next one at once: pg-boss would otherwise wait
   * out the rest of its polling interval after every job, and a dataset of a thousand
   * one-partition tables spent most of its load in those waits (0.5 s per partition and
   * consumer). Only an empty fetch waits for the interval (or for enqueue's wake-up).
   */
  async work(concurrency: number, handler: (p: OpenPartition) => Promise<void>): Promise<void> {
    for (let i = 0; i < concurrency; i++) {
      let busy = false;
      const self = { id: '' };
      self.id = await this.boss.work<OpenPartition>(PARTITION_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        for (const job of jobs) {
          if (busy) continue;
          busy = true;
          try {
            await handler(job.data);
          } finally {
            busy = false;
          }
        }
        if (self.id) this.boss.notifyWorker(self.id);
      });
      this.workerIds.push(self.id);
    }
  }

  /**
   * Enqueues partitions (deduplicated while waiting: the singleton key) in one statement, not
   * one round trip each, and wakes local pollers at once.
   */
  async enqueue(parts: OpenPartition[]): Promise<void> {
    const jobs = parts.map((p) => ({ name: PARTITION_QUEUE, data: p, singletonKey: deliveryKey(p), retryLimit: 0, expireInSeconds: DELIVERY_EXPIRE_SECONDS }));
    for (let i = 0; i < jobs.length; i += INSERT_BATCH) await this.boss.insert(jobs.slice(i, i + INSERT_BATCH));
    for (const id of this.workerIds) this.boss.notifyWorker(id);
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 }).catch((err: Error) => this.log.warn({ err: err.message }, 'pg-boss stop'));
  }
}
