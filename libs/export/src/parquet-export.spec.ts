import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvRecordReader, csvToParquet } from './parquet-export.js';

const CSV = 'id,note\n1,"a ""quoted"", with\nnewline"\n2,\n3,""\n4,plain\n';

function records(chunks: string[]): (string | null)[][] {
  const out: (string | null)[][] = [];
  const reader = new CsvRecordReader((r) => out.push(r));
  for (const c of chunks) reader.feed(c);
  reader.end();
  return out;
}

describe('CsvRecordReader', () => {
  it('reads COPY CSV: quotes, doubled quotes, newlines in fields, NULL vs empty string', () => {
    expect(records([CSV])).toEqual([['id', 'note'], ['1', 'a "quoted", with\nnewline'], ['2', null], ['3', ''], ['4', 'plain']]);
  });

  it('gives the same records whatever the chunk boundaries (a doubled quote split in two included)', () => {
    const whole = records([CSV]);
    for (let cut = 1; cut < CSV.length; cut++) expect(records([CSV.slice(0, cut), CSV.slice(cut)])).toEqual(whole);
  });

  it('delivers a last record without a newline', () => {
    expect(records(['1,"x"'])).toEqual([['1', 'x']]);
  });
});

describe('csvToParquet', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rowflow-csv-parquet-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes one row group per rowGroupRows rows, with the header skipped', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => `${i},${i % 2 ? 't' : 'f'}\n`).join('');
    await writeFile(join(dir, 'in.csv'), `id,flag\n${lines}`);
    const out = join(dir, 'out.parquet');
    const written = await csvToParquet({ csvPath: join(dir, 'in.csv'), outPath: out, columns: [{ name: 'id', type: 'integer' }, { name: 'flag', type: 'boolean' }], header: true, signal: new AbortController().signal, rowGroupRows: 10 });
    const bytes = await readFile(out);
    expect(written).toMatchObject({ rows: 25, bytes: bytes.length });
    const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([10, 10, 5]);
  });
});
