/**
 * Most catch-up after a pause: timer and event-loop lag on a busy machine (tens of ms) are made
 * up, a reader that stalled for longer is never "paid back" with a burst.
 */
const BURST_MS = 1000;
/** Rows a filtering stream may scan in one batch, so a sparse partition still yields to the event loop. */
const SCAN_CAP = 65_536;

/**
 * Decides where the next batch of a stream ends: at most the rows due by now at `rate` rows per
 * wall-clock second, at most SCAN_CAP rows when rows are filtered out. Pacing is by position —
 * the rows due are (now − t0)·rate, minus what was produced — so a batch that stopped early for
 * bytes needs no bookkeeping; when the reader was slow (rows due pile up), the schedule is
 * moved forward instead of catching up in a burst: backpressure slows the pace, never buffers.
 */
export class BatchLimiter {
  private t0 = -1;
  private startRow = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rate: number | undefined,
    private readonly filtering: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** Exclusive end row of the next batch, given the next row and the stream's end. */
  end(next: number, end: number): number {
    let limit = this.filtering ? Math.min(end, next + SCAN_CAP) : end;
    if (this.rate !== undefined) limit = Math.min(limit, this.paced(next));
    return limit;
  }

  /** Calls `fn` when the next row is due (one timer at a time; never a busy wait). */
  waitThen(next: number, fn: () => void): void {
    if (this.timer !== undefined || this.rate === undefined) return;
    const due = this.t0 + ((next - this.startRow + 1) * 1000) / this.rate;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      fn();
    }, Math.max(1, Math.ceil(due - this.now())));
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private paced(next: number): number {
    const rate = this.rate as number;
    const now = this.now();
    if (this.t0 < 0) [this.t0, this.startRow] = [now, next];
    const due = this.startRow + Math.floor(((now - this.t0) * rate) / 1000) + 1;
    const burst = Math.max(1, Math.ceil((rate * BURST_MS) / 1000));
    if (due - next > burst) {
      // Behind schedule (the reader was slow): restart the schedule here rather than burst.
      [this.t0, this.startRow] = [now, next];
      return next + 1;
    }
    return due;
  }
}
