/**
 * seedrandom against the generator's counter-based hash, on the seek pattern rows need: any
 * cell (column, row) computed on its own, without its predecessors, and independent of the
 * other columns. So both are re-seeded per cell from (column key, row index), then draw what a
 * typical value draws (2 numbers):
 * - counter-based: `Rng.seed(cellSeed(key, lo, hi))` (murmur3 of the cell, then mulberry32);
 * - seedrandom's `alea` (its fastest generator with a string seed), a new generator per cell
 *   seeded with the same cell's identity; `xor128` seeded with the cell hash for comparison.
 * Both are deterministic (same cell → same values), which the bench checks before timing.
 * `npm run bench -- seedrandom`.
 */
import { performance } from 'node:perf_hooks';
import { cellSeed, Rng, streamKey } from '@rowflow/generator';
import seedrandom from 'seedrandom';
import type { BenchResult, Harness } from './harness.js';

const DRAWS = 2;

type CellDraw = (key: number, row: number) => number;

const rng = new Rng();
const counter: CellDraw = (key, row) => {
  rng.seed(cellSeed(key, row >>> 0, Math.floor(row / 4294967296)));
  let sum = 0;
  for (let d = 0; d < DRAWS; d++) sum += rng.u32();
  return sum;
};

const alea: CellDraw = (key, row) => {
  const g = seedrandom.alea(`${key}:${row}`);
  let sum = 0;
  for (let d = 0; d < DRAWS; d++) sum += g.int32() >>> 0;
  return sum;
};

const xor128: CellDraw = (key, row) => {
  const g = seedrandom.xor128(String(cellSeed(key, row >>> 0, 0)));
  let sum = 0;
  for (let d = 0; d < DRAWS; d++) sum += g.int32() >>> 0;
  return sum;
};

/** Cells of 13 columns (a users row) in row order from `start`, the way a chunk is made; ns per cell. */
function time(draw: CellDraw, rows: number, start: number): number {
  const keys = Array.from({ length: 13 }, (_, c) => streamKey(1, 'users', `c${c}`));
  let sink = 0;
  const t0 = performance.now();
  for (let r = start; r < start + rows; r++) for (const k of keys) sink += draw(k, r);
  const ns = ((performance.now() - t0) * 1e6) / (rows * keys.length);
  if (sink === -1) throw new Error('unreachable'); // keeps the loop from being optimised away
  return ns;
}

function deterministic(draw: CellDraw): boolean {
  const key = streamKey(7, 't', 'c');
  return [0, 1, 123_456_789, 2 ** 40 + 3].every((row) => draw(key, row) === draw(key, row));
}

export function run(h: Harness): Promise<BenchResult[]> {
  const rows = h.quick ? 20_000 : 200_000;
  const gens = { counter, alea, xor128 };
  for (const [name, g] of Object.entries(gens)) if (!deterministic(g)) throw new Error(`${name} is not deterministic per cell`);
  const runs: Record<string, number[]> = { counter: [], alea: [], xor128: [] };
  // Alternating, three times each, at a far-away seek offset (a chunk in the middle of a big table).
  for (let i = 0; i < 3; i++) for (const [name, g] of Object.entries(gens)) runs[name]!.push(time(g, rows, 5_000_000_000 + i * rows));
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
  const c = med(runs.counter!);
  h.log(`seedrandom: ns per cell ${JSON.stringify(runs)}`);
  const line = (name: string, ns: number, note: string): BenchResult => ({
    name: `seedrandom: ${name}, re-seeded per cell, ${DRAWS} draws`,
    value: ns,
    unit: 'ns/cell',
    ratio: ns / c,
    baseline: 'counter-based hash (time ratio, lower is better)',
    note: `median of 3 × ${rows.toLocaleString('en-US')} rows × 13 columns; ${note}`,
  });
  return Promise.resolve([
    { name: `seedrandom: counter-based hash (cellSeed + mulberry32), ${DRAWS} draws (baseline)`, value: c, unit: 'ns/cell', note: 'what the generator uses' },
    line('alea (string seed)', med(runs.alea!), `a 13-column row spends ${((med(runs.alea!) - c) * 13 / 1000).toFixed(2)} µs more`),
    line('xor128 (seeded with the same cell hash)', med(runs.xor128!), 'still needs the cell hash for its seed'),
  ]);
}
