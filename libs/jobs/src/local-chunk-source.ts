import type { Readable } from 'node:stream';
import { createDatasetRowStream, createRowStream, type RowThreadPool, type RowThreadRequest } from '@rowflow/generator';
import type { ChunkSource } from './chunk-source.js';
import type { PartitionWork } from './job-repository.js';

type Work = Pick<PartitionWork, 'schema' | 'seed' | 'dataset' | 'table'>;

/**
 * Generates a job's rows inside this process (the orchestrator, or the CLI) with the same @rowflow/generator code the
 * generator service runs, so the bytes are identical to asking the generator over HTTP
 * (determinism is a pure function of schema, seed and row index). Chosen with
 * JOB_ROW_SOURCE=local: it saves one HTTP request and a process hop per chunk, at the price
 * of generating on the orchestrator's CPU instead of a separately scalable generator.
 */
export class LocalChunkSource implements ChunkSource {
  constructor(private readonly work: Work) {}

  csv(from: number, count: number, signal: AbortSignal): Promise<Readable> {
    const opts = { seed: this.work.seed, offset: from, rows: count, format: 'csv', header: false, signal } as const;
    const { dataset, table } = this.work;
    return Promise.resolve(dataset ? createDatasetRowStream({ ...opts, dataset, table }) : createRowStream({ ...opts, spec: this.work.schema }));
  }
}

/**
 * LocalChunkSource on worker threads (JOB_ROW_THREADS > 0): the same bytes, generated off the
 * event loop, which is left to drive the COPY connections. One stream per partition, cut into
 * chunk transactions by the chunk loop; single chunks (bisect, dead letters) are asked for alone.
 */
export class ThreadedChunkSource implements ChunkSource {
  constructor(
    private readonly pool: RowThreadPool,
    private readonly work: Work,
  ) {}

  csv(from: number, count: number, signal: AbortSignal): Promise<Readable> {
    return Promise.resolve(this.pool.stream(this.request(from, count), signal));
  }

  stream(from: number, to: number, signal: AbortSignal): Promise<Readable> {
    return Promise.resolve(this.pool.stream(this.request(from, to - from), signal));
  }

  private request(offset: number, rows: number): RowThreadRequest {
    const { dataset, table, seed } = this.work;
    const base = { seed, offset, rows, format: 'csv', header: false } as const;
    return dataset ? { kind: 'dataset', dataset, table, ...base } : { kind: 'table', spec: this.work.schema, ...base };
  }
}
