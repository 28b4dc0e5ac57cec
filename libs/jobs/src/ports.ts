import type { OpenPartition } from './job-repository.js';

/** Structured logger (pino's shape); the lib takes one instead of choosing a logging library. */
export interface LogPort {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Work distribution between processes (pg-boss in the apps, an in-memory fake in unit specs). */
export interface QueuePort {
  start(): Promise<void>;
  /** Starts `concurrency` local consumers, each handling one partition at a time. */
  work(concurrency: number, handler: (p: OpenPartition) => Promise<void>): Promise<void>;
  /** Enqueues partitions (a partition waiting twice is deduplicated by the queue). */
  enqueue(parts: OpenPartition[]): Promise<void>;
  stop(): Promise<void>;
}

/** A repeating timer that can be cancelled. */
export interface Repeating {
  cancel(): void;
}

/** Time, so unit specs can drive sweeps and retries without waiting. */
export interface TimerPort {
  every(ms: number, fn: () => void): Repeating;
  /** Resolves after `ms`, or rejects when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}
