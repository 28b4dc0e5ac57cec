import { backoffMs } from './pg-errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration: a plain integer is milliseconds (`600000`), or a number with a unit
 * `ms`, `s`, `m`, `h`, `d` (`500ms`, `30s`, `10m`, `1.5h`, `7d`). Returns undefined when it is neither.
 */
export function parseDuration(raw: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(raw);
  if (!m) return undefined;
  const n = Number(m[1]) * UNITS[(m[2] ?? 'ms').toLowerCase()]!;
  return Number.isSafeInteger(Math.round(n)) ? Math.round(n) : undefined;
}

/** Config parser (same shape as @rowflow/platform's) for a duration in ms; absent → `def`. */
export function duration(def: number, min = 0): (raw: string | undefined, key: string) => number {
  return (raw, key) => {
    if (raw === undefined || raw.trim() === '') return def;
    const ms = parseDuration(raw);
    if (ms === undefined) throw new Error(`${key} must be milliseconds or a duration like 500ms, 30s, 10m, 1h; got "${raw}"`);
    if (ms < min) throw new Error(`${key} must be at least ${min} ms, got "${raw}"`);
    return ms;
  };
}

/** How long and how fast transient failures are retried. */
export interface RetryPolicy {
  /** Retry for this long after the first failure of a streak (a success ends the streak). */
  windowMs: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { windowMs: 10 * 60_000, baseMs: 100, capMs: 5000 };

/**
 * One streak of consecutive transient failures: capped exponential backoff with full jitter,
 * until `windowMs` has passed since the streak's first failure. Keeping on for a window of
 * time (not a count) lets a job ride out a dependency restart of any length up to the window.
 */
export class RetryStreak {
  private startedAt: number | undefined;
  private attempt = 0;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Failures in the current streak. */
  get failures(): number {
    return this.attempt;
  }

  /** Records a failure; the wait before the next attempt, or null once past the window. */
  next(): number | null {
    const now = this.now();
    this.startedAt ??= now;
    const left = this.startedAt + this.policy.windowMs - now;
    if (left <= 0) return null;
    return Math.min(left, backoffMs(this.attempt++, this.policy.baseMs, this.policy.capMs));
  }

  /** A success ends the streak. */
  reset(): void {
    this.startedAt = undefined;
    this.attempt = 0;
  }
}
