import type { AlertEvent, QualityEvent, StatsEvent, TableSpec } from '@rowflow/contracts';
import { ValidationError } from '@rowflow/contracts';
import { compileTable } from '@rowflow/generator';
import { findTable } from '@rowflow/schema';
import { liveStats, parseStatsSpec, type Row, type StatsSpec } from '@rowflow/stats';
import { asyncScheduler, catchError, defer, EMPTY, merge, type Observable, type SchedulerLike, Subject, tap } from 'rxjs';
import type { RowBatch } from './ndjson-batcher.js';

/** SSE messages of live stats, next to the preview's `data`/`complete`. */
export type StatsSseEvent = { kind: 'stats'; data: StatsEvent } | { kind: 'alert'; data: AlertEvent } | { kind: 'quality'; data: QualityEvent };

export function encodeStatsSse(e: StatsSseEvent): string {
  return `event: ${e.kind}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/**
 * The `stats` parameter of a preview: JSON text (query string; EventSource can only GET) or an
 * object (POST body), validated strictly, and every column it names must be a column the stream
 * has — a misspelt column would otherwise give silently empty aggregates.
 */
export function parseStatsParam(raw: unknown, table: { table?: string; schema?: TableSpec }, source: 'query' | 'body' = 'query'): StatsSpec | undefined {
  if (raw === undefined || raw === '' || raw === null) return undefined;
  if (Array.isArray(raw) && source === 'query') throw new ValidationError('stats', `given ${raw.length} times; give it once`);
  let value: unknown = raw;
  if (source === 'query') {
    if (typeof value !== 'string') throw new ValidationError('stats', 'must be JSON text');
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw new ValidationError('stats', 'must be valid JSON');
    }
  }
  const spec = parseStatsSpec(value, 'stats');
  checkColumns(spec, streamColumns(table));
  return spec;
}

function streamColumns(req: { table?: string; schema?: TableSpec }): string[] {
  const spec = req.schema ?? findTable(req.table ?? '');
  return compileTable(spec, 1).map((c) => c.name);
}

function checkColumns(spec: StatsSpec, columns: string[]): void {
  const check = (name: string | undefined, field: string) => {
    if (name !== undefined && !columns.includes(name)) throw new ValidationError(field, `unknown column "${name}"; the stream has ${columns.join(', ')}`);
  };
  check(spec.timeColumn, 'stats.timeColumn');
  check(spec.groupBy, 'stats.groupBy');
  check(spec.dedupBy, 'stats.dedupBy');
  spec.aggregates.forEach((a, i) => check(a.column, `stats.aggregates[${i}].column`));
  spec.quality.columns?.forEach((c, i) => check(c, `stats.quality.columns[${i}]`));
}

/** Rows of a batch (the relay keeps rows as raw JSON bytes; only a stats request parses them). */
function rowsOf(batch: RowBatch): Row[] {
  return JSON.parse(`[${batch.json.toString('utf8')}]`) as Row[];
}

/**
 * Adds stats to a preview: `preview` builds the usual events from the (tapped) batches; each
 * batch is also handed to the library's `liveStats` operator, whose outputs go out right before
 * that batch's `data` event, and its final flush (every open window, last quality snapshot)
 * before `complete`. The hand-off is a synchronous Subject, so the relay's backpressure (pausing
 * upstream) covers the stats events too, and the ordering holds without any buffering here.
 */
export function withStats<E>(batches: Observable<RowBatch>, spec: StatsSpec, preview: (b: Observable<RowBatch>) => Observable<E>, now: () => number): Observable<E | StatsSseEvent> {
  return defer(() => {
    const rows = new Subject<readonly Row[]>();
    // liveStats reads only the scheduler's clock (quality pacing, freshness): the relay's clock.
    const clock: SchedulerLike = { now, schedule: asyncScheduler.schedule.bind(asyncScheduler) };
    const stats: Observable<StatsSseEvent> = rows.pipe(liveStats(spec, clock));
    const tapped = batches.pipe(
      tap({
        next: (b) => rows.next(rowsOf(b)),
        complete: () => rows.complete(),
        error: (err: unknown) => rows.error(err),
      }),
    );
    return merge(stats.pipe(catchError(() => EMPTY)), preview(tapped));
  });
}
