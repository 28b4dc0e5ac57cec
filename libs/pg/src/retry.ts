import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs, classifyError } from './errors.js';

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

/** 10 minutes (JOB_RETRY_WINDOW in the server), backoff 100 ms … 5 s: jobs and exports alike. */
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

/** Waits `ms`, or rejects with an AbortError when `signal` aborts first (TimerPort's sleep has this shape). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

const realSleep: Sleep = (ms, signal) => sleep(ms, undefined, { signal });

/**
 * Runs `attempt` until it succeeds; transient failures (connection lost, terminated backend,
 * serialization failure, too many connections …, see classifyError) are retried with a
 * RetryStreak for `policy.windowMs` after the first failure, so a database restart of any length
 * up to the window is ridden out. Anything else, or an abort, is thrown at once. Each attempt
 * should take a fresh session: a failed one is discarded by withSession.
 */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy, signal: AbortSignal, onRetry?: (err: unknown, n: number) => void): Promise<T> {
  const streak = new RetryStreak(policy);
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (signal.aborted || classifyError(err) !== 'transient') throw err;
      const wait = streak.next();
      if (wait === null) throw new Error(`gave up after ${streak.failures} retries over ${Math.round(policy.windowMs / 1000)} s: ${(err as Error).message}`, { cause: err });
      onRetry?.(err, streak.failures);
      await realSleep(wait, signal);
    }
  }
}

export interface StartupOptions {
  /** Stopping the process ends the retries. */
  signal: AbortSignal;
  /** Cap of the backoff between attempts (it starts at 200 ms and doubles). */
  capMs: number;
  /** Told every failed attempt (log it). */
  onRetry: (err: unknown, attempt: number) => void;
  /** The wait between attempts (a fake clock in unit specs). */
  sleep?: Sleep;
}

/**
 * Start-up that waits for the database: `attempt` (migrations, queue start …) runs again until
 * it succeeds, whatever the error — at boot Postgres may be down, starting, or not yet accepting
 * this role — so the process boots before its database does. True once it succeeded; false when
 * stopped first.
 */
export async function retryUntilStarted(attempt: () => Promise<void>, opts: StartupOptions): Promise<boolean> {
  const wait = opts.sleep ?? realSleep;
  for (let n = 0; !opts.signal.aborted; n++) {
    try {
      await attempt();
      return true;
    } catch (err) {
      opts.onRetry(err, n);
      await wait(Math.min(opts.capMs, 200 * 2 ** n), opts.signal).catch(() => undefined);
    }
  }
  return false;
}
