import { createHash } from 'node:crypto';
import type { DatasetSpec } from '@rowflow/contracts';
import { createDatasetRowStream } from '@rowflow/generator';
import { describe, expect, it } from 'vitest';
import { buildJobManifest, type JobManifestV1, type JobVerifyInput, manifestRanges, manifestTables, specHash } from './job-manifest.js';

const DATASET: DatasetSpec = {
  name: 'tiny',
  tables: [
    { name: 'parents', rows: 2500, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'label', type: 'text', mode: 'word' }] },
    {
      name: 'kids',
      perParent: { table: 'parents', distribution: 'fixed', count: 2 },
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'parent_id', type: 'foreignKey', references: { table: 'parents', column: 'id' } },
      ],
    },
  ],
};

/** The job input of DATASET loaded with two partitions per table (as the job engine splits them). */
function datasetInput(): JobVerifyInput {
  const halves = (n: number) => [{ fromRow: 0, toRow: Math.floor(n / 2) }, { fromRow: Math.floor(n / 2), toRow: n }];
  const tables = [
    { index: 0, table: 'parents', targetTable: 'p_parents', schema: { name: 'parents', columns: DATASET.tables[0]!.columns }, rowsTotal: 2500, partitions: halves(2500) },
    { index: 1, table: 'kids', targetTable: 'p_kids', schema: { name: 'kids', columns: DATASET.tables[1]!.columns }, rowsTotal: 5000, partitions: halves(5000) },
  ];
  return { jobId: 'j', mode: 'create', seed: 3, rowsTotal: 7500, dataset: DATASET, tables };
}

async function csv(table: string, seed: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of createDatasetRowStream({ dataset: DATASET, table, seed, format: 'csv', header: false })) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('job manifests', () => {
  it('a dataset job: one entry per table, ranges tiling each table and hashing the bytes the whole table generates', async () => {
    const m = await buildJobManifest(datasetInput());
    expect(m).toMatchObject({ version: 2, dataset: 'tiny', table: 'parents', targetTable: 'p_parents', specHash: specHash(DATASET), rowsTotal: 7500 });
    expect(m.ranges).toBeUndefined();
    expect(m.tables.map((t) => [t.index, t.table, t.rowsTotal])).toEqual([[0, 'parents', 2500], [1, 'kids', 5000]]);
    for (const t of m.tables) {
      const whole = await csv(t.table, 3);
      let at = 0;
      for (const r of t.ranges) {
        // Each range's bytes are the slice of the whole table's CSV at its position.
        expect(r.sha256).toBe(createHash('sha256').update(whole.subarray(at, at + r.bytes)).digest('hex'));
        at += r.bytes;
      }
      expect(at).toBe(whole.length);
    }
  });

  it('a single-table job keeps its ranges at the top too; a version-1 manifest reads as its one table', async () => {
    const schema = { name: 'users', columns: DATASET.tables[0]!.columns };
    const input: JobVerifyInput = { jobId: 's', mode: 'create', seed: 1, rowsTotal: 2500, dataset: null, tables: [{ index: 0, table: 'users', targetTable: 'u', schema, rowsTotal: 2500, partitions: [{ fromRow: 0, toRow: 2500 }] }] };
    const m = await buildJobManifest(input);
    expect(m.ranges).toEqual(m.tables[0]!.ranges);
    expect(m.specHash).toBe(specHash(schema));
    expect(m.ranges!.map((r) => [r.fromRow, r.toRow])).toEqual(manifestRanges(input.tables[0]!).map((r) => [r.fromRow, r.toRow]));
    const v1: JobManifestV1 = { kind: 'job', version: 1, jobId: 's', table: 'users', targetTable: 'u', specHash: m.specHash, seed: 1, rowsTotal: 2500, ranges: m.ranges!, createdAt: m.createdAt };
    expect(manifestTables(v1)).toEqual([{ index: 0, table: 'users', targetSchema: null, targetTable: 'u', specHash: m.specHash, rowsTotal: 2500, ranges: m.ranges }]);
  });
});
