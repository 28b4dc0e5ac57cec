export declare const GOLDEN_SEEDS: number[];
export declare const GOLDEN_ROWS: number;
export declare const GOLDEN_FORMATS: ('csv' | 'ndjson')[];
export declare const GOLDEN_OFFSET: { offset: number; rows: number };
export interface GoldenCase {
  key: string;
  table: string;
  seed: number;
  format: 'csv' | 'ndjson';
  offset: number;
  rows: number;
}
export declare function goldenCases(tables: string[]): GoldenCase[];
