import type { ColumnSpec } from '@rowflow/contracts';
import { parseIsoInstant } from '../spec/iso-instant.js';
import { withRange } from './apply-checks.js';
import { partitionDomain } from './partition-bounds.js';
import { columnOf, replaceColumn, type TableState, warner, without } from './table-state.js';

/** A bound literal as an ISO instant: `2024-01-01 00:00:00+00` → `2024-01-01T00:00:00+00:00`. */
function isoOf(literal: string): number {
  const text = literal.trim();
  if (!text.includes(' ')) return parseIsoInstant(text); // a date
  const iso = text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  return parseIsoInstant(/(Z|[+-]\d\d:\d\d)$/.test(iso) ? iso : `${iso}Z`);
}

const DAY = 86_400_000;

function isoString(ms: number, date: boolean): string {
  return date ? new Date(ms).toISOString().slice(0, 10) : new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Time columns in `[from, to)`: the generator's `to` is inclusive, so it stops one step (day or second) short. */
function timeRange(col: ColumnSpec, from: string | undefined, to: string | undefined): ColumnSpec | null {
  const date = col.type === 'date';
  const step = date ? DAY : 1000;
  const lo = from !== undefined ? isoOf(from) : undefined;
  const hi = to !== undefined ? isoOf(to) - step : undefined;
  if ((lo !== undefined && !Number.isFinite(lo)) || (hi !== undefined && !Number.isFinite(hi))) return null;
  const curLo = col.from !== undefined ? parseIsoInstant(col.from) : undefined;
  const curHi = col.to !== undefined ? parseIsoInstant(col.to) : undefined;
  let start = Math.max(lo ?? -Infinity, curLo ?? -Infinity);
  let end = Math.min(hi ?? Infinity, curHi ?? Infinity);
  // The usual range lies outside the partitions: use the partitions' (a year of them when open-ended).
  if (start > end || !Number.isFinite(start) || !Number.isFinite(end)) {
    start = lo ?? (hi as number) - 365 * DAY;
    end = hi ?? start + 365 * DAY;
  }
  if (start > end) return null;
  return { ...without(col, 'mode'), from: isoString(start, date), to: isoString(end, date) };
}

function numberRange(col: ColumnSpec, from: string | undefined, to: string | undefined): ColumnSpec | null {
  const lo = from !== undefined ? Number(from) : undefined;
  const hi = to !== undefined ? Number(to) - (col.type === 'decimal' ? 10 ** -(col.scale ?? 2) : 1) : undefined;
  if (col.type === 'serial' || col.mode === 'sequence') {
    // A sequence counts up from its start: it fits when it starts at the lower bound (rows are capped to the upper).
    return hi === undefined || (lo ?? 1) <= hi ? { ...col, min: Math.max(lo ?? 1, col.min ?? 1) } : null;
  }
  return withRange(col, lo, hi) ?? withRange({ ...col, min: undefined, max: undefined }, lo, hi);
}

function rangeColumn(col: ColumnSpec, from: string | undefined, to: string | undefined): ColumnSpec | null {
  if (col.type === 'date' || col.type === 'timestamp' || col.type === 'timestamptz') return timeRange(col, from, to);
  if (col.type === 'int' || col.type === 'bigint' || col.type === 'decimal' || col.type === 'serial') return numberRange(col, from, to);
  return null;
}

/**
 * Keeps a partitioned table's rows inside its partitions: the first partition-key column is
 * generated within the widest contiguous run of RANGE bounds, or among the LIST values; hash
 * partitions and a DEFAULT partition take anything. Partitions are not tables of the dataset.
 */
export function applyPartitionBounds(s: TableState, warnings: string[]): void {
  const p = s.cat.partitioning;
  if (!p) return;
  const warn = warner(warnings, `${s.cat.name} (${p.columns.join(', ') || p.definition})`);
  const domain = partitionDomain(p);
  if (domain.kind === 'all') return;
  const name = p.columns[0];
  const col = name === undefined ? undefined : columnOf(s, name);
  if (!col || domain.kind === 'unknown') {
    warn(`partitioned by ${p.definition}${domain.kind === 'unknown' ? ` and ${domain.reason}` : ' on an expression'}: rows outside every partition are rejected`);
    return;
  }
  if (p.columns.length > 1) warn(`partitioned by ${p.definition}: only ${name} is kept inside the bounds; rows may fall outside on the other key columns`);
  if (domain.kind === 'list') {
    if (col.type === 'foreignKey' || col.primaryKey || col.unique) {
      warn(`LIST partition key ${name} is also a key: values are not kept inside the partitions`);
      return;
    }
    const base = domain.nulls ? col : without(col, 'nullRatio');
    replaceColumn(s, { name: col.name, type: 'enum', values: domain.values, ...(base.nullRatio !== undefined ? { nullRatio: base.nullRatio } : {}) });
    return;
  }
  const next = rangeColumn(without(col, 'nullRatio'), domain.from, domain.to);
  if (!next) {
    warn(`RANGE partition key ${name} (${col.type}) cannot be kept inside the bounds: rows outside every partition are rejected`);
    return;
  }
  replaceColumn(s, next);
  s.keyColumns.add(col.name); // a partition key is never NULL unless a partition takes NULL
  if (domain.dropped) warn(`partitions leave gaps: ${name} is generated inside the widest contiguous run of partitions only (from ${domain.from ?? 'MINVALUE'} to ${domain.to ?? 'MAXVALUE'})`);
}
