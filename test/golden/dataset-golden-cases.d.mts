export declare const DATASET_GOLDEN_SEEDS: number[];
export declare const DATASET_GOLDEN_FORMATS: ('csv' | 'ndjson')[];
export interface DatasetGoldenCase {
  key: string;
  dataset: string;
  table: string;
  seed: number;
  format: 'csv' | 'ndjson';
}
export declare function datasetGoldenCases(datasets: { name: string; tables: { name: string }[] }[]): DatasetGoldenCase[];
