// Cases covered by the generator's golden checksums (shared by the update script and the test).
export const GOLDEN_SEEDS = [1, 42];
export const GOLDEN_ROWS = 10_000;
export const GOLDEN_FORMATS = ['csv', 'ndjson'];
/** A far-offset slice per table, so seeking is pinned too. */
export const GOLDEN_OFFSET = { offset: 1_000_000, rows: 1_000 };

/** Every case as {key, table, seed, format, offset, rows}. */
export function goldenCases(tables) {
  const out = [];
  for (const table of tables) {
    for (const seed of GOLDEN_SEEDS) {
      for (const format of GOLDEN_FORMATS) {
        out.push({ key: `${table}/seed=${seed}/${format}/rows=${GOLDEN_ROWS}`, table, seed, format, offset: 0, rows: GOLDEN_ROWS });
      }
    }
    out.push({ key: `${table}/seed=42/csv/offset=${GOLDEN_OFFSET.offset}/rows=${GOLDEN_OFFSET.rows}`, table, seed: 42, format: 'csv', ...GOLDEN_OFFSET });
  }
  return out;
}
