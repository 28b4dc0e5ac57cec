import { DDSketch } from '@datadog/sketches-js';
import { BoundedDistinct } from './distinct.js';
import { type AggregateSpec, valueKey } from './stats-spec.js';

/** DDSketch relative accuracy: a reported quantile is within ±1 % of the exact one (see docs/streams.md). */
export const QUANTILE_RELATIVE_ACCURACY = 0.01;

const QUANTILES: Record<string, number> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };
const DECIMAL = /^-?\d+(\.(\d+))?$/;

/**
 * Sum that is exact for integers and for decimal strings ("12.50"): values are added as integer
 * units at the largest scale seen (exact below 2^53 units), so a sum equals PostgreSQL's numeric
 * sum rounded once to a double. Other fractional numbers fall back to a float sum.
 */
class ExactSum {
  private units = 0;
  private scale = 0;
  private float = 0;

  add(v: number, text: string | undefined): void {
    const m = text !== undefined ? DECIMAL.exec(text) : undefined;
    const scale = m ? (m[2]?.length ?? 0) : Number.isInteger(v) ? 0 : -1;
    if (scale < 0) {
      this.float += v;
      return;
    }
    if (scale > this.scale) {
      this.units *= 10 ** (scale - this.scale);
      this.scale = scale;
    }
    this.units += m ? Number(text!.replace('.', '')) * 10 ** (this.scale - scale) : v * 10 ** this.scale;
  }

  merge(o: ExactSum): void {
    const scale = Math.max(this.scale, o.scale);
    this.units = this.units * 10 ** (scale - this.scale) + o.units * 10 ** (scale - o.scale);
    this.scale = scale;
    this.float += o.float;
  }

  value(): number {
    return this.units / 10 ** this.scale + this.float;
  }
}

/** Running numeric summary of one column in one window. */
class ColumnSummary {
  n = 0;
  nonNull = 0;
  readonly sum = new ExactSum();
  min = Infinity;
  max = -Infinity;
  /** Welford's running mean and M2 (numerically stable variance). */
  private mean = 0;
  private m2 = 0;
  sketch: DDSketch | undefined;
  distinct: BoundedDistinct | undefined;

  constructor(needsSketch: boolean, distinctLimit: number | undefined) {
    if (needsSketch) this.sketch = new DDSketch({ relativeAccuracy: QUANTILE_RELATIVE_ACCURACY });
    if (distinctLimit !== undefined) this.distinct = new BoundedDistinct(distinctLimit);
  }

  add(raw: unknown): void {
    if (raw === null || raw === undefined) return;
    this.nonNull++;
    this.distinct?.add(typeof raw === 'string' ? raw : JSON.stringify(raw));
    const v = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
    if (!Number.isFinite(v)) return;
    this.n++;
    this.sum.add(v, typeof raw === 'string' ? raw.trim() : undefined);
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    const d = v - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (v - this.mean);
    this.sketch?.accept(v);
  }

  /** Chan et al.'s parallel variance merge (session windows merge when a gap closes). */
  merge(o: ColumnSummary): void {
    const n = this.n + o.n;
    if (o.n > 0) {
      const d = o.mean - this.mean;
      this.m2 += o.m2 + (d * d * this.n * o.n) / n;
      this.mean += (d * o.n) / n;
    }
    this.n = n;
    this.nonNull += o.nonNull;
    this.sum.merge(o.sum);
    this.min = Math.min(this.min, o.min);
    this.max = Math.max(this.max, o.max);
    if (this.sketch && o.sketch) this.sketch.merge(o.sketch);
    if (this.distinct && o.distinct) this.distinct.merge(o.distinct);
  }

  value(op: AggregateSpec['op']): number | null {
    switch (op) {
      case 'count':
        return this.nonNull;
      case 'countDistinct':
        return this.distinct!.count();
      case 'sum':
        return this.n ? this.sum.value() : null;
      case 'avg':
        return this.n ? this.sum.value() / this.n : null;
      case 'min':
        return this.n ? this.min : null;
      case 'max':
        return this.n ? this.max : null;
      case 'stddev': // sample standard deviation, as SQL's stddev()
        return this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : null;
      case 'p50':
      case 'p90':
      case 'p95':
      case 'p99':
        return this.n ? this.sketch!.getValueAtQuantile(QUANTILES[op]!) : null;
    }
  }
}

/** The aggregates of one window (one group key): a row count plus a summary per column. */
export class WindowAccumulator {
  count = 0;
  private readonly columns = new Map<string, ColumnSummary>();

  constructor(
    private readonly aggregates: AggregateSpec[],
    distinctLimit: number,
  ) {
    for (const a of aggregates) {
      if (a.column === undefined) continue;
      const quantile = a.op in QUANTILES;
      const prev = this.columns.get(a.column);
      const needsSketch = quantile || Boolean(prev?.sketch);
      const needsDistinct = a.op === 'countDistinct' || Boolean(prev?.distinct);
      this.columns.set(a.column, new ColumnSummary(needsSketch, needsDistinct ? distinctLimit : undefined));
    }
  }

  add(row: Record<string, unknown>): void {
    this.count++;
    for (const [col, summary] of this.columns) summary.add(row[col]);
  }

  merge(o: WindowAccumulator): void {
    this.count += o.count;
    for (const [col, summary] of this.columns) summary.merge(o.columns.get(col)!);
  }

  values(): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const a of this.aggregates) out[valueKey(a)] = a.column === undefined ? this.count : this.columns.get(a.column)!.value(a.op);
    return out;
  }
}
