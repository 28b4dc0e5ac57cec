import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { createRowStream } from '@rowflow/generator';
import { catalog, findTable } from '@rowflow/schema';
import { describe, expect, it } from 'vitest';
import { type GoldenCase, goldenCases } from '../golden/golden-cases.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const GOLDEN_FILE = resolve(ROOT, 'test/golden/generator-golden.json');
type Golden = Record<string, { sha256: string; bytes: number }>;

async function checksum(c: GoldenCase): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createRowStream({ spec: findTable(c.table), seed: c.seed, rows: c.rows, offset: c.offset, format: c.format })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

describe('golden checksums (test/golden/generator-golden.json; regenerate on purpose with test/golden/update-golden.mjs)', () => {
  const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Golden;
  const cases = goldenCases(catalog.map((t) => t.name));

  it('covers every catalog table, both formats, two seeds and a far offset', () => {
    expect(Object.keys(golden).sort()).toEqual(cases.map((c) => c.key).sort());
  });

  it.each(cases.map((c) => [c.key, c] as const))('%s', async (_key, c) => {
    expect(await checksum(c)).toEqual(golden[c.key]);
  });

  it('a separate Node process (built libs) produces byte-identical output', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [resolve(ROOT, 'test/golden/update-golden.mjs'), '--print'], { maxBuffer: 1 << 20 });
    expect(JSON.parse(stdout)).toEqual(golden);
  });
});
