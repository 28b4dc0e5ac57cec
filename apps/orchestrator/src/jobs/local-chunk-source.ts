import type { Readable } from 'node:stream';
import { createDatasetRowStream, createRowStream } from '@rowflow/generator';
import type { ChunkSource, PartitionWork } from '@rowflow/jobs';

/**
 * Generates a job's rows inside the orchestrator with the same @rowflow/generator code the
 * generator service runs, so the bytes are identical to asking the generator over HTTP
 * (determinism is a pure function of schema, seed and row index). Chosen with
 * JOB_ROW_SOURCE=local: it saves one HTTP request and a process hop per chunk, at the price
 * of generating on the orchestrator's CPU instead of a separately scalable generator.
 */
export class LocalChunkSource implements ChunkSource {
  constructor(private readonly work: Pick<PartitionWork, 'schema' | 'seed' | 'dataset' | 'table'>) {}

  csv(from: number, count: number, signal: AbortSignal): Promise<Readable> {
    const opts = { seed: this.work.seed, offset: from, rows: count, format: 'csv', header: false, signal } as const;
    const { dataset, table } = this.work;
    return Promise.resolve(dataset ? createDatasetRowStream({ ...opts, dataset, table }) : createRowStream({ ...opts, spec: this.work.schema }));
  }
}
