import cliProgress from 'cli-progress';

/** Plain progress lines when stderr is not a terminal (logs, CI): one every few seconds. */
export const PLAIN_INTERVAL_MS = 3000;

export interface ProgressSample {
  rows: number;
  bytes?: number;
  total?: number | null;
  /** A job's phase; shown unless it is `loading` (after the load every row is in, yet the job is not done). */
  phase?: string;
}

/** `, building indexes` for a phase worth showing, else nothing. */
function phaseText(s: ProgressSample): string {
  return s.phase && s.phase !== 'loading' ? `, ${s.phase}` : '';
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function eta(left: number, rate: number): string {
  if (!(rate > 0) || left <= 0) return '-';
  const s = Math.round(left / rate);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

/**
 * Progress on stderr (stdout stays for results): a live bar with rows, rows/s, MB/s and ETA on a
 * TTY; otherwise a plain line every few seconds and one at the end. `quiet` prints nothing.
 */
export class Progress {
  private readonly started = Date.now();
  private bar: cliProgress.SingleBar | undefined;
  private lastLine = 0;
  /** The last plain line written: the closing line is not repeated when nothing moved since. */
  private printed = '';
  private last: ProgressSample = { rows: 0 };
  /** Rows and bytes that were already done before this command started (see `sinceFirstSample`). */
  private base: { rows: number; bytes: number } | undefined;

  /**
   * `sinceFirstSample`: the first sample is work done before this command (a job being watched,
   * resumed or rerun from its checkpoints), so rates and the ETA count only what is done after
   * it — otherwise watching a job at 1.9M rows would report millions of rows per second.
   */
  constructor(
    private readonly label: string,
    private readonly quiet = false,
    private readonly tty = Boolean(process.stderr.isTTY),
    private readonly sinceFirstSample = false,
  ) {}

  update(s: ProgressSample): void {
    this.last = s;
    if (this.sinceFirstSample && !this.base) this.base = { rows: s.rows, bytes: s.bytes ?? 0 };
    if (this.quiet) return;
    const { rate, mbps, total } = this.stats(s);
    if (this.tty) {
      if (!this.bar) {
        this.bar = new cliProgress.SingleBar(
          { format: `${this.label} [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | {mbps} MB/s | ETA {etaText}{phase}`, stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        this.bar.start(total ?? 0, 0, { rate: '0', mbps: '0.0', etaText: '-', phase: '' });
      }
      this.bar.setTotal(Math.max(total ?? s.rows, s.rows));
      this.bar.update(s.rows, { rate: fmt(rate), mbps: mbps.toFixed(1), etaText: total ? eta(total - s.rows, rate) : '-', phase: phaseText(s) });
    } else if (Date.now() - this.lastLine >= PLAIN_INTERVAL_MS) {
      this.lastLine = Date.now();
      this.write(this.line(s));
    }
  }

  /** Final line (plain mode) or closes the bar. */
  done(message?: string): void {
    if (this.quiet) return;
    if (this.bar) this.bar.stop();
    else if (this.line(this.last) !== this.printed) this.write(this.line(this.last));
    if (message) process.stderr.write(`${message}\n`);
  }

  private write(line: string): void {
    this.printed = line;
    process.stderr.write(`${line}\n`);
  }

  private stats(s: ProgressSample): { rate: number; mbps: number; total: number | null } {
    const secs = Math.max(0.001, (Date.now() - this.started) / 1000);
    const base = this.base ?? { rows: 0, bytes: 0 };
    return { rate: Math.max(0, s.rows - base.rows) / secs, mbps: Math.max(0, (s.bytes ?? 0) - base.bytes) / secs / 1e6, total: s.total ?? null };
  }

  private line(s: ProgressSample): string {
    const { rate, mbps, total } = this.stats(s);
    const of = total ? ` / ${fmt(total)} rows (${Math.min(100, Math.floor((s.rows / total) * 100))}%)` : ' rows';
    const bytes = s.bytes !== undefined ? `, ${mbps.toFixed(1)} MB/s` : '';
    return `${this.label}: ${fmt(s.rows)}${of}, ${fmt(rate)} rows/s${bytes}, ETA ${total ? eta(total - s.rows, rate) : '-'}${phaseText(s)}`;
  }
}
