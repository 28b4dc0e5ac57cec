import type { Readable } from 'node:stream';
import type { ChunkSource, PartitionWork } from '@rowflow/jobs';
import type { GeneratorClient } from '../generator-client/generator-client.js';

/**
 * Adapts the GeneratorClient to the jobs lib's ChunkSource: rows of the job's (schema, seed) as
 * header-less CSV. `stream` asks for the rest of a partition in ONE request, which the chunk
 * loop cuts into chunk transactions; `csv` asks for one range (bisect, dead-letter rows).
 * Always the spec stored with the job, by POST — never the catalog table by name, which may
 * have changed since the job started (a resumed job must generate exactly the rows it would
 * have); a dataset job's table as `{dataset, table}` of the dataset spec stored with the job.
 * The generator's URL is config only; nothing from the job request becomes a URL.
 */
export class GeneratorChunkSource implements ChunkSource {
  constructor(
    private readonly client: GeneratorClient,
    private readonly work: Pick<PartitionWork, 'schema' | 'seed' | 'dataset' | 'table'>,
  ) {}

  async csv(from: number, count: number, signal: AbortSignal): Promise<Readable> {
    const what = this.work.dataset ? { dataset: this.work.dataset, table: this.work.table } : { schema: this.work.schema };
    const { body } = await this.client.open('csv', { ...what, rows: count, seed: this.work.seed, offset: from, header: false }, signal);
    return body;
  }

  stream(from: number, to: number, signal: AbortSignal): Promise<Readable> {
    return this.csv(from, to - from, signal);
  }
}
