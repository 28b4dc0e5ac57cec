import type { AlertEvent } from '@rowflow/contracts';
import type { AlertRule, Comparison } from './stats-spec.js';

const COMPARE: Record<Comparison, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
};

/**
 * Threshold and trend alerts. Edge-triggered per (rule, group key): an alert fires when its
 * condition becomes true and re-arms when it is false again, so a metric stuck above a threshold
 * is one alert, not one per window. A trend compares a value with the mean of the previous
 * `windows` values of the same metric and key: rise = above mean·(1 + pct/100), fall = below
 * mean·(1 − pct/100); it needs that many previous values first.
 */
export class AlertEvaluator {
  private readonly active = new Set<string>();
  private readonly history = new Map<string, number[]>();

  constructor(private readonly rules: AlertRule[]) {}

  /** Evaluates every rule whose metric `lookup` knows; `scope` is the group key (or "quality"). */
  evaluate(lookup: (metric: string) => number | null | undefined, scope: string, at: number): AlertEvent[] {
    const out: AlertEvent[] = [];
    for (const rule of this.rules) {
      const value = lookup(rule.metric);
      if (value === null || value === undefined || !Number.isFinite(value)) continue;
      const id = `${rule.name}\u0000${scope}`;
      const message = this.check(rule, id, value);
      if (message === undefined) {
        this.active.delete(id);
        continue;
      }
      if (this.active.has(id)) continue;
      this.active.add(id);
      out.push({ name: rule.name, metric: rule.metric, value, kind: 'trend' in rule ? 'trend' : 'threshold', at, message: scope ? `${message} (${scope})` : message });
    }
    return out;
  }

  /** The alert message when the rule's condition holds, else undefined. */
  private check(rule: AlertRule, id: string, value: number): string | undefined {
    if (!('trend' in rule)) return COMPARE[rule.op](value, rule.value) ? `${rule.metric} = ${value} ${rule.op} ${rule.value}` : undefined;
    const past = this.history.get(id) ?? [];
    this.history.set(id, [...past, value].slice(-rule.windows));
    if (past.length < rule.windows) return undefined;
    const mean = past.reduce((a, b) => a + b, 0) / past.length;
    const factor = rule.trend === 'rise' ? 1 + rule.pct / 100 : 1 - rule.pct / 100;
    const holds = rule.trend === 'rise' ? value > mean * factor : value < mean * factor;
    return holds ? `${rule.metric} = ${value}: ${rule.trend} of more than ${rule.pct}% vs the mean of the previous ${rule.windows} (${mean})` : undefined;
  }
}
