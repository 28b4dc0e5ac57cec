import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { createDatasetRowStream } from '@rowflow/generator';
import { datasetCatalog, findDataset } from '@rowflow/schema';
import { describe, expect, it } from 'vitest';
import { type DatasetGoldenCase, datasetGoldenCases } from '../golden/dataset-golden-cases.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
type Golden = Record<string, { sha256: string; bytes: number }>;

async function checksum(c: DatasetGoldenCase): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createDatasetRowStream({ dataset: findDataset(c.dataset), table: c.table, seed: c.seed, format: c.format })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

describe('dataset golden checksums (test/golden/dataset-golden.json; regenerate on purpose with test/golden/update-dataset-golden.mjs)', () => {
  const golden = JSON.parse(readFileSync(resolve(ROOT, 'test/golden/dataset-golden.json'), 'utf8')) as Golden;
  const cases = datasetGoldenCases(datasetCatalog);

  it('covers every table of every catalog dataset, both formats, two seeds', () => {
    expect(Object.keys(golden).sort()).toEqual(cases.map((c) => c.key).sort());
  });

  it.each(cases.map((c) => [c.key, c] as const))('%s', async (_key, c) => {
    expect(await checksum(c)).toEqual(golden[c.key]);
  });

  it('a separate Node process (built libs) produces byte-identical output', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [resolve(ROOT, 'test/golden/update-dataset-golden.mjs'), '--print'], { maxBuffer: 1 << 20 });
    expect(JSON.parse(stdout)).toEqual(golden);
  });
});
