/** Tunables of the relay that tests shorten; production uses the defaults. */
export interface RelayOptions {
  /** SSE comment heartbeat period (15 s). */
  heartbeatMs: number;
  /** Rows per `event: data` (at most 100). */
  batchSize: number;
  /** An upstream that sends nothing this long (while we are not pausing it) has failed. */
  upstreamIdleMs: number;
}

export const RELAY_OPTIONS = Symbol('RELAY_OPTIONS');

export const DEFAULT_RELAY_OPTIONS: RelayOptions = { heartbeatMs: 15_000, batchSize: 100, upstreamIdleMs: 60_000 };
