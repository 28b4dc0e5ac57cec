import { percent } from '../lib/progress-math.js';

interface Props {
  label: string;
  done: number;
  total: number;
  /** Visual state: running stripes, green when done, red on failure. */
  tone?: 'running' | 'done' | 'failed' | 'idle';
  testId?: string;
}

/** An accessible progress bar (role=progressbar with aria values). */
export function ProgressBar({ label, done, total, tone = 'running', testId }: Props) {
  const pct = percent(done, total);
  return (
    <div
      className={`progress progress-${tone}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.floor(pct)}
      data-testid={testId}
    >
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}
