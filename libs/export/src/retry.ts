import { setTimeout as sleep } from 'node:timers/promises';
import { classifyError, DEFAULT_RETRY as JOB_RETRY, type RetryPolicy, RetryStreak } from '@rowflow/jobs';

/** The jobs' retry policy: transient failures are retried for a window of time, not a count. */
export type RetryOptions = RetryPolicy;

/** Same as jobs: 10 minutes (JOB_RETRY_WINDOW in the server), backoff 100 ms … 5 s. */
export const DEFAULT_RETRY: RetryOptions = JOB_RETRY;

/**
 * Runs `attempt` until it succeeds; transient failures (connection lost, terminated backend,
 * serialization failure, too many connections …, classified like the job engine does) are retried
 * with the jobs' RetryStreak — capped exponential backoff with full jitter for `windowMs` after
 * the first failure of a streak — each attempt on a fresh session. A count of retries (there were
 * 12, 18–36 s) gave up on a database restart that jobs ride out.
 */
export async function withRetries<T>(attempt: () => Promise<T>, opts: RetryOptions, signal: AbortSignal, onRetry?: (err: unknown, n: number) => void): Promise<T> {
  const streak = new RetryStreak(opts);
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (signal.aborted || classifyError(err) !== 'transient') throw err;
      const wait = streak.next();
      if (wait === null) throw new Error(`gave up after ${streak.failures} retries over ${Math.round(opts.windowMs / 1000)} s: ${(err as Error).message}`, { cause: err });
      onRetry?.(err, streak.failures);
      await sleep(wait, undefined, { signal });
    }
  }
}
