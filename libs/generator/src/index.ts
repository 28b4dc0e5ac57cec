export { createRowStream, generatorStats, resolveSeed, type RowStreamCounts, type RowStreamOptions, type StreamFormat } from './row-stream.js';
export { compileColumn, compileTable, rowValues } from './compile.js';
export type { Cell, CellKind, CompiledColumn } from './column.js';
export { csvEncoder, csvField, csvHeader, ndjsonEncoder } from './encode.js';
export { RowContext } from './row-context.js';
export { FeistelPermutation } from './feistel.js';
export { Rng, streamKey, cellSeed } from './hash.js';
export { createCompiledRowStream, type CompiledStreamOptions } from './row-stream.js';
export * from './dataset/index.js';
