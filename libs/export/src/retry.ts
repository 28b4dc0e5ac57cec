import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs, classifyError } from '@rowflow/jobs';

export interface RetryOptions {
  maxRetries: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 12, baseMs: 100, capMs: 5000 };

/**
 * Runs `attempt` until it succeeds; transient failures (connection lost, terminated backend,
 * serialization failure, too many connections …, classified like the job engine does) are retried
 * with capped exponential backoff and full jitter, each attempt on a fresh session.
 */
export async function withRetries<T>(attempt: () => Promise<T>, opts: RetryOptions, signal: AbortSignal, onRetry?: (err: unknown, n: number) => void): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (signal.aborted || classifyError(err) !== 'transient') throw err;
      if (n >= opts.maxRetries) throw new Error(`gave up after ${n} retries: ${(err as Error).message}`, { cause: err });
      onRetry?.(err, n + 1);
      await sleep(backoffMs(n, opts.baseMs, opts.capMs), undefined, { signal });
    }
  }
}
