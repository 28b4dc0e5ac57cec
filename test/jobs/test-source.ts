import { Readable } from 'node:stream';
import type { TableSpec } from '@rowflow/contracts';
import type { ChunkSource } from '@rowflow/jobs';

/** Schema of the deterministic test rows below. */
export const TEST_SPEC: TableSpec = {
  name: 'things',
  columns: [
    { name: 'id', type: 'bigint', primaryKey: true },
    { name: 'n', type: 'int' },
    { name: 'label', type: 'text' },
    { name: 'note', type: 'text', nullRatio: 0.2 }, // the rows below leave it NULL every fifth row
  ],
};

/** CSV of row i: quotes, commas, NULLs and empty strings, so COPY's CSV parsing is exercised. */
export function testRow(i: number, poison: ReadonlySet<number> = new Set()): string {
  const n = poison.has(i) ? 'not-a-number' : String((i * 7919) % 1000);
  const note = i % 5 === 0 ? '' : i % 5 === 1 ? '""' : `"line ${i}, ""quoted"""`;
  return `${i + 1},${n},"label ${i}",${note}\n`;
}

/**
 * A real, deterministic ChunkSource (no Postgres mocking: rows really go through COPY). Rows are
 * pushed 1000 per write like the generator's HTTP body. `onCsv` lets a test act at a given call.
 */
export class TestSource implements ChunkSource {
  calls: Array<{ from: number; count: number }> = [];
  constructor(
    private readonly poison: ReadonlySet<number> = new Set(),
    private readonly onCsv?: (from: number, count: number) => Promise<void> | void,
  ) {}

  async csv(from: number, count: number, signal: AbortSignal): Promise<Readable> {
    this.calls.push({ from, count });
    await this.onCsv?.(from, count);
    const poison = this.poison;
    async function* rows(): AsyncGenerator<string> {
      for (let i = from; i < from + count; i += 1000) {
        let batch = '';
        for (let k = i; k < Math.min(from + count, i + 1000); k++) batch += testRow(k, poison);
        yield batch;
        await new Promise((r) => setImmediate(r));
      }
    }
    return Readable.from(rows(), { objectMode: false, signal });
  }
}
