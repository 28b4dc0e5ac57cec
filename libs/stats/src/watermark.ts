import type { WatermarkSpec } from './stats-spec.js';

/** Events per adaptation step of the adaptive watermark. */
const ADAPT_EVERY = 200;

/**
 * Event-time watermark: "no event older than this is expected any more". It is the newest event
 * time seen minus a delay, and never moves backwards. With a fixed delay that is all. Adaptive:
 * every ADAPT_EVERY events the share of late events in that block is compared with the target;
 * above it, the delay widens to max(1.5 × delay, the largest lateness seen in the block), capped
 * at maxDelayMs — so a stream whose lateness grows gets a wider watermark and fewer late drops,
 * at the price of later results. It never narrows (results never jump ahead).
 */
export class Watermark {
  private maxEventTime = -Infinity;
  private mark = -Infinity;
  delayMs: number;
  private blockEvents = 0;
  private blockLate = 0;
  private blockMaxLateness = 0;

  constructor(private readonly spec: WatermarkSpec) {
    this.delayMs = 'adaptive' in spec ? spec.initialDelayMs : spec.delayMs;
  }

  get value(): number {
    return this.mark;
  }

  get newest(): number {
    return this.maxEventTime;
  }

  /** Records an event (and whether it was late, and by how much); returns the new watermark. */
  observe(t: number, late: boolean): number {
    if (t > this.maxEventTime) this.maxEventTime = t;
    if ('adaptive' in this.spec) this.adapt(t, late);
    const next = this.maxEventTime - this.delayMs;
    if (next > this.mark) this.mark = next;
    return this.mark;
  }

  /** End of input: every window may close. */
  close(): number {
    this.mark = Infinity;
    return this.mark;
  }

  private adapt(t: number, late: boolean): void {
    const spec = this.spec as Extract<WatermarkSpec, { adaptive: true }>;
    this.blockEvents++;
    if (late) {
      this.blockLate++;
      this.blockMaxLateness = Math.max(this.blockMaxLateness, this.maxEventTime - t);
    }
    if (this.blockEvents < ADAPT_EVERY) return;
    if (this.blockLate / this.blockEvents > spec.targetLateRatio) {
      this.delayMs = Math.min(spec.maxDelayMs, Math.max(Math.ceil(this.delayMs * 1.5), this.blockMaxLateness));
    }
    this.blockEvents = this.blockLate = this.blockMaxLateness = 0;
  }
}
