import { retryUntilStarted } from '@rowflow/pg';
import type { LogPort, TimerPort } from './ports.js';

/** The store is not reachable (yet): start-up still retrying, or the database is down. */
export class UnavailableError extends Error {
  override readonly name = 'UnavailableError';
}

export interface StartupOptions {
  /** How long an API call waits for start-up before it is told the store is unavailable. */
  readyTimeoutMs: number;
  /** Cap of the start-up retry backoff. */
  backoffCapMs: number;
}

/**
 * A start-up in the background (migrations, the queue: what a store needs before its API may
 * answer) that API calls wait for: retried until the database answers or the process stops, so
 * the process boots while Postgres is still down, and awaited by each call for at most
 * readyTimeoutMs (then UnavailableError: a 503).
 * JobOrchestrator and the exports' orchestrator share it.
 */
export class Startup {
  private ready: Promise<void> | undefined;

  constructor(
    /** Named in messages: "job store", "export store". */
    private readonly what: string,
    private readonly timers: TimerPort,
    private readonly log: LogPort,
    private readonly opts: StartupOptions,
  ) {}

  /** Starts `attempt` in the background, again after each failure, until it succeeds or `signal` aborts. */
  begin(attempt: () => Promise<void>, signal: AbortSignal): void {
    this.ready = retryUntilStarted(attempt, {
      signal,
      capMs: this.opts.backoffCapMs,
      sleep: (ms, s) => this.timers.sleep(ms, s),
      onRetry: (err, n) => this.log.warn({ err: err instanceof Error ? err.message : String(err), attempt: n }, `${this.what}: start-up failed; retrying`),
    }).then((started) => {
      if (!started) throw new UnavailableError('stopped before start-up finished');
    });
    this.ready.catch(() => undefined); // surfaced to API callers via whenReady()
  }

  /** Resolves once started; UnavailableError if start-up does not finish within readyTimeoutMs. */
  async whenReady(): Promise<void> {
    if (!this.ready) throw new UnavailableError(`${this.what} is starting`);
    const timeout = new AbortController();
    const expired = this.timers.sleep(this.opts.readyTimeoutMs, timeout.signal).then(() => {
      throw new UnavailableError(`${this.what} unavailable (database down?)`);
    });
    expired.catch(() => undefined);
    try {
      await Promise.race([this.ready, expired]);
    } finally {
      timeout.abort();
    }
  }
}
