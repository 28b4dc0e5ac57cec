import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { type Row, StatsEngine, type StatsOutput } from './stats-engine.js';
import type { StatsSpec } from './stats-spec.js';

/**
 * RxJS operator: rows (one at a time or in batches, as the relay receives them) in, `stats`,
 * `alert` and `quality` outputs out. Windows close on event time (the watermark), so outputs are
 * emitted synchronously with the row that moved the watermark past a window's end; wall time
 * (the scheduler's clock) only paces the quality snapshots and measures freshness. Completion
 * flushes every open window; an error is passed on after nothing else.
 */
export function liveStats(spec: StatsSpec, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<Row | readonly Row[], StatsOutput> {
  return (source) =>
    new Observable<StatsOutput>((sub) => {
      const engine = new StatsEngine(spec);
      const emit = (outs: StatsOutput[]) => {
        for (const o of outs) sub.next(o);
      };
      return source.subscribe({
        next: (input) => {
          const rows = Array.isArray(input) ? (input as readonly Row[]) : [input as Row];
          for (const row of rows) emit(engine.push(row, scheduler.now()));
        },
        error: (err: unknown) => sub.error(err),
        complete: () => {
          emit(engine.finish(scheduler.now()));
          sub.complete();
        },
      });
    });
}
