export { applyProfile, CATEGORICAL_MAX_DISTINCT, type CopyValues, type ProfileOptions, type ProfileReport, type ProfileResult } from './apply-profile.js';
export { type ColumnFidelity, type ColumnSummary, compareFidelity, DEFAULT_FIDELITY_THRESHOLDS, type FidelityReport, type FidelityThresholds, type ForeignKeyFidelity } from './fidelity.js';
export { looksPersonal, nameWords } from './personal.js';
export { type ColumnStats, distinctCount, type TableStats } from './stats-model.js';
