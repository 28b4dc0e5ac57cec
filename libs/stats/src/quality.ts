import type { QualityEvent } from '@rowflow/contracts';

/**
 * Running stream-quality counters: null rate per column, duplicate, late and out-of-order
 * rates (over all rows), freshness (wall clock minus the newest event time) and rows whose
 * time column could not be read.
 */
export class QualityTracker {
  rows = 0;
  duplicates = 0;
  late = 0;
  outOfOrder = 0;
  badTime = 0;
  private readonly nulls = new Map<string, number>();
  private columns: string[] | undefined;

  constructor(
    columns: string[] | undefined,
    private readonly measuresDuplicates: boolean,
  ) {
    this.columns = columns;
  }

  /** Counts one row's nulls; the first row fixes the column list when none was given. */
  row(row: Record<string, unknown>): void {
    this.rows++;
    this.columns ??= Object.keys(row);
    for (const c of this.columns) if (row[c] === null || row[c] === undefined) this.nulls.set(c, (this.nulls.get(c) ?? 0) + 1);
  }

  snapshot(newestEventTime: number, watermark: number, wallNow: number): QualityEvent {
    const rate = (n: number) => (this.rows ? n / this.rows : 0);
    const nullRate: Record<string, number> = {};
    for (const c of this.columns ?? []) nullRate[c] = rate(this.nulls.get(c) ?? 0);
    return {
      rows: this.rows,
      nullRate,
      duplicateRate: this.measuresDuplicates ? rate(this.duplicates) : 0,
      lateRate: rate(this.late),
      outOfOrderRate: rate(this.outOfOrder),
      freshnessMs: Number.isFinite(newestEventTime) ? wallNow - newestEventTime : null,
      watermark: Number.isFinite(watermark) ? watermark : null,
      late: this.late,
      duplicates: this.duplicates,
      badTime: this.badTime,
    };
  }
}

/** A metric of a quality snapshot by alert name (`lateRate`, `nullRate.<column>`, …). */
export function qualityMetric(q: QualityEvent, metric: string): number | undefined {
  if (metric.startsWith('nullRate.')) return q.nullRate[metric.slice(9)];
  switch (metric) {
    case 'lateRate':
      return q.lateRate;
    case 'duplicateRate':
      return q.duplicateRate;
    case 'outOfOrderRate':
      return q.outOfOrderRate;
    case 'freshnessMs':
      return q.freshnessMs ?? undefined;
    default:
      return undefined;
  }
}
