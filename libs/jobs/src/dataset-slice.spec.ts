import type { Readable } from 'node:stream';
import type { DatasetSpec } from '@rowflow/contracts';
import { createDatasetRowStream, datasetRowCounts } from '@rowflow/generator';
import { datasetCatalog } from '@rowflow/schema';
import { describe, expect, it } from 'vitest';
import { datasetSlice, DatasetSlices } from './dataset-slice.js';

async function text(s: Readable): Promise<string> {
  let out = '';
  for await (const chunk of s) out += String(chunk);
  return out;
}

function rows(dataset: DatasetSpec, table: string, offset: number, count: number): Promise<string> {
  return text(createDatasetRowStream({ dataset, table, seed: 7, offset, rows: count, format: 'csv', header: false }));
}

describe('datasetSlice', () => {
  const catalog = datasetCatalog.map(({ name, description, tables }) => ({ name, description, tables }) as DatasetSpec);

  it.each(catalog.map((d) => [d.name, d] as const))('%s: every table generates the same bytes from its slice as from the whole dataset', async (_, dataset) => {
    const counts = datasetRowCounts(dataset, 7);
    for (const t of dataset.tables) {
      const n = counts[t.name]!;
      const slice = datasetSlice(dataset, t.name);
      // The start and a seek into the middle (per-parent owners, foreign keys, self-references).
      for (const offset of [0, Math.floor(n / 2)]) {
        const count = Math.min(300, n - offset);
        expect(await rows(slice, t.name, offset, count)).toBe(await rows(dataset, t.name, offset, count));
      }
    }
  });

  it('keeps the table and, transitively, what it references, in dataset order', () => {
    const col = (name: string, table?: string) => (table ? { name, type: 'foreignKey' as const, references: { table } } : { name, type: 'serial' as const, primaryKey: true });
    const dataset: DatasetSpec = {
      name: 'd',
      tables: [
        { name: 'a', rows: 5, columns: [col('id')] },
        { name: 'b', rows: 5, columns: [col('id'), col('a_id', 'a')] },
        { name: 'lonely', rows: 5, columns: [col('id')] },
        { name: 'c', perParent: { table: 'b', distribution: 'fixed', count: 2 }, columns: [col('id'), col('c_id', 'c')] },
      ],
    };
    expect(datasetSlice(dataset, 'c').tables.map((t) => t.name)).toEqual(['a', 'b', 'c']);
    expect(datasetSlice(dataset, 'b').tables.map((t) => t.name)).toEqual(['a', 'b']);
    expect(datasetSlice(dataset, 'lonely').tables.map((t) => t.name)).toEqual(['lonely']);
  });
});

describe('DatasetSlices', () => {
  it('reads a job’s dataset once, and nothing for a job without one', async () => {
    const loads: string[] = [];
    const dataset: DatasetSpec = { name: 'd', tables: [{ name: 'a', rows: 1, columns: [{ name: 'id', type: 'serial', primaryKey: true }] }] };
    const slices = new DatasetSlices((id) => {
      loads.push(id);
      return Promise.resolve(id === 'single' ? null : dataset);
    }, 2);
    expect(await slices.of('j1', 'a')).toEqual(dataset);
    expect(await slices.of('j1', 'a')).toEqual(dataset);
    expect(await slices.of('single', 'a')).toBeNull();
    expect(loads).toEqual(['j1', 'single']);
    // Only the last two jobs are kept.
    await slices.of('j2', 'a');
    await slices.of('j3', 'a');
    await slices.of('j1', 'a');
    expect(loads).toEqual(['j1', 'single', 'j2', 'j3', 'j1']);
  });
});
