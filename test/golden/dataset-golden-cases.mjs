// Cases covered by the dataset golden checksums (shared by the update script and the test).
export const DATASET_GOLDEN_SEEDS = [1, 42];
export const DATASET_GOLDEN_FORMATS = ['csv', 'ndjson'];

/** Every whole table of every catalog dataset, per seed and format, as {key, dataset, table, seed, format}. */
export function datasetGoldenCases(datasets) {
  const out = [];
  for (const d of datasets) {
    for (const t of d.tables) {
      for (const seed of DATASET_GOLDEN_SEEDS) {
        for (const format of DATASET_GOLDEN_FORMATS) out.push({ key: `${d.name}.${t.name}/seed=${seed}/${format}`, dataset: d.name, table: t.name, seed, format });
      }
    }
  }
  return out;
}
