export { liveStats } from './live-stats.js';
export { eventTime, type Row, StatsEngine, type StatsOutput } from './stats-engine.js';
export { AGGREGATE_OPS, type AggregateOp, type AggregateSpec, type AlertRule, parseStatsSpec, QUALITY_METRICS, type StatsSpec, valueKey, type WatermarkSpec, type WindowSpec } from './stats-spec.js';
export { QUANTILE_RELATIVE_ACCURACY, WindowAccumulator } from './accumulator.js';
export { BoundedDistinct } from './distinct.js';
export { Watermark } from './watermark.js';
export { AlertEvaluator } from './alerts.js';
