import type { DatasetSpec } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../test-helpers.js';
import { createDatasetRowStream } from './dataset-stream.js';

async function csv(dataset: DatasetSpec, table: string, offset?: number, rows?: number): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of createDatasetRowStream({ dataset, table, seed: 5, format: 'csv', header: false, offset, rows })) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Playlists stored entry by entry (playlist_id in order), 14 of 18 playlists holding 600 entries over every track. */
const music: DatasetSpec = {
  name: 'music',
  tables: [
    { name: 'playlist', rows: 18, columns: [{ name: 'id', type: 'int', mode: 'sequence', min: 1, primaryKey: true }] },
    { name: 'track', rows: 300, columns: [{ name: 'id', type: 'int', mode: 'sequence', min: 1, primaryKey: true }] },
    {
      name: 'playlist_track',
      rows: 600,
      compositeKey: { columns: ['playlist_id', 'track_id'], primaryKey: true },
      columns: [
        { name: 'playlist_id', type: 'foreignKey', references: { table: 'playlist', column: 'id' }, profile: { distinct: 14, correlation: 1 } },
        { name: 'track_id', type: 'foreignKey', references: { table: 'track', column: 'id' }, profile: { distinct: -0.5, correlation: 0.2 } },
      ],
    },
    {
      name: 'line',
      rows: 1000,
      columns: [
        { name: 'id', type: 'int', mode: 'sequence', min: 1, primaryKey: true },
        { name: 'track_id', type: 'foreignKey', nullRatio: 0.1, references: { table: 'track', column: 'id' }, profile: { distinct: -0.2, correlation: 1, values: ['7'], weights: [0.25] } },
        { name: 'at', type: 'date', profile: { histogram: ['2021-01-01', '2021-06-01', '2022-01-01'], values: ['2021-03-03'], weights: [0.2], correlation: -1 } },
      ],
    },
  ],
};

describe('profiled datasets in the source physical order', () => {
  it('a composite key led by its ordered member: unique tuples, every value of both members, lead ascending', async () => {
    const rows = parseCsv(await csv(music, 'playlist_track')).map((r) => [Number(r[0]), Number(r[1])] as const);
    expect(rows).toHaveLength(600);
    expect(new Set(rows.map(([p, t]) => `${p}/${t}`)).size).toBe(600);
    expect(new Set(rows.map(([p]) => p)).size).toBe(14);
    expect(new Set(rows.map(([, t]) => t)).size).toBe(300);
    expect(rows.every(([p], i) => i === 0 || p >= (rows[i - 1] as readonly number[])[0]!)).toBe(true);
  });

  it('a foreign key stored parent by parent: ascending, exact NULLs, the common parent its share, every other even', async () => {
    const rows = parseCsv(await csv(music, 'line'));
    const keys = rows.map((r) => r[1]);
    expect(keys.filter((k) => k === null)).toHaveLength(100);
    const present = keys.filter((k): k is string => k !== null).map(Number);
    expect(present.every((k, i) => i === 0 || k >= (present[i - 1] as number))).toBe(true);
    expect(present.filter((k) => k === 7)).toHaveLength(225);
    expect(new Set(present).size).toBe(200);
    // Descending dates (correlation −1).
    const dates = rows.map((r) => r[2] as string);
    expect(dates.every((d, i) => i === 0 || d <= (dates[i - 1] as string))).toBe(true);
  });

  it.each(['playlist_track', 'line'])('%s: any slice is the slice of the full stream', async (table) => {
    const full = await csv(music, table);
    const lines = full.split('\n');
    for (const [offset, n] of [[0, 1], [3, 50], [299, 2], [550, 50]] as const) {
      expect(await csv(music, table, offset, n), `offset ${offset}`).toBe(lines.slice(offset, offset + n).join('\n') + '\n');
    }
  });
});
