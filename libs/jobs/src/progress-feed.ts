import type { JobEvent, JobEventName, JobStatus } from '@rowflow/contracts';
import {
  asyncScheduler,
  catchError,
  concatMap,
  defer,
  EMPTY,
  exhaustMap,
  filter,
  finalize,
  from,
  map,
  merge,
  type Observable,
  type ObservableInput,
  ReplaySubject,
  type SchedulerLike,
  share,
  Subject,
  takeWhile,
  timer,
} from 'rxjs';

/** Poll period of the job tables; also the progress throttle (at most 4 events/s per job). */
export const PROGRESS_POLL_MS = 250;

const TERMINAL: Partial<Record<JobStatus['state'], JobEventName>> = { completed: 'completed', failed: 'failed', cancelled: 'cancelled' };

/** The states after which nothing changes any more, for jobs and exports alike. */
export function isEnded(state: string): boolean {
  return state === 'completed' || state === 'failed' || state === 'cancelled';
}

export interface ProgressFeedOptions {
  pollMs?: number;
  /** Timer scheduler; marble tests pass the TestScheduler. */
  scheduler?: SchedulerLike;
}

/**
 * One status source per job per process, shared by every watcher of that job: the first
 * watcher starts one poll loop, later ones join it (and get the latest status at once), the
 * last one leaving stops it. So N watchers of a job cost one status read per interval instead
 * of N — reading the job tables (not in-memory state) keeps "any process can serve any job".
 * A poll never overlaps the previous one (a slow database stretches the interval instead of
 * piling up queries); a failed read (Postgres restarting) is skipped, not fatal; the feed
 * completes after a terminal state.
 */
export class ProgressFeed<S extends { state: string } = JobStatus> {
  private readonly feeds = new Map<string, Observable<S>>();
  private readonly wakes = new Subject<string>();
  private readonly pollMs: number;
  private readonly scheduler: SchedulerLike;

  constructor(
    private readonly read: (id: string) => ObservableInput<S>,
    opts: ProgressFeedOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? PROGRESS_POLL_MS;
    this.scheduler = opts.scheduler ?? asyncScheduler;
  }

  /** Jobs with a poll loop running right now (tests and metrics). */
  get active(): number {
    return this.feeds.size;
  }

  /** The shared status stream of `jobId` (a job's, or any other record with an end state, e.g. an export's). */
  statuses(jobId: string): Observable<S> {
    let feed = this.feeds.get(jobId);
    if (!feed) {
      feed = this.poll(jobId).pipe(
        // Runs when the loop stops: terminal state, or the last watcher left.
        finalize(() => {
          if (this.feeds.get(jobId) === feed) this.feeds.delete(jobId);
        }),
        share({ connector: () => new ReplaySubject<S>(1), resetOnRefCountZero: true, resetOnComplete: true, resetOnError: true }),
      );
      this.feeds.set(jobId, feed);
    }
    return feed;
  }

  /**
   * Reads `jobId`'s status now, outside the interval: called when the job ended in this process,
   * so its watchers hear `completed` at once instead of up to one interval later (a client
   * waiting for the end would otherwise poll the full status itself, on the job's own CPU).
   * A job nobody watches here costs nothing.
   */
  wake(jobId: string): void {
    this.wakes.next(jobId);
  }

  /** SSE-ready events of one watcher (see `jobEvents$`). */
  events(this: ProgressFeed<JobStatus>, jobId: string, lastEventId?: number): Observable<JobEvent> {
    return jobEvents$(this.statuses(jobId), lastEventId);
  }

  private poll(jobId: string): Observable<S> {
    const read = () => from(this.read(jobId)).pipe(catchError(() => EMPTY));
    // A wake is not dropped while a tick's read is in flight (that read may predate the end).
    // Wakes come after the end was committed, so a tick's read answering after one is either
    // older progress (ignored by its id) or arrives after the end completed the feed.
    const ticks = timer(0, this.pollMs, this.scheduler).pipe(exhaustMap(read));
    const woken = this.wakes.pipe(
      filter((id) => id === jobId),
      concatMap(read),
    );
    return merge(ticks, woken).pipe(takeWhile((s) => !isEnded(s.state), true));
  }
}

/** SSE id of a status: monotonic per job while it runs (rows committed or skipped). */
export function eventId(s: JobStatus): number {
  return s.rowsWritten + s.rowsSkipped;
}

/**
 * One watcher's events from a status stream: `progress` whenever the id moved past the last
 * one sent (starting after `lastEventId`, an EventSource's Last-Event-ID) or the job changed
 * phase (loading → building indexes: no row moves, but a watcher must see it; same id), then
 * the terminal `completed` / `failed` / `cancelled` (always sent, whatever its id) and completion.
 */
export function jobEvents$(statuses: Observable<JobStatus>, lastEventId?: number): Observable<JobEvent> {
  // defer: the last id sent and the phase seen are per subscription.
  return defer(() => {
    let last = lastEventId ?? -1;
    let phase: JobStatus['phase'] | undefined;
    const phaseChanged = (s: JobStatus): boolean => {
      const changed = phase !== undefined && s.phase !== phase;
      phase = s.phase;
      return changed;
    };
    return statuses.pipe(
      takeWhile((s) => TERMINAL[s.state] === undefined, true),
      filter((s) => phaseChanged(s) || TERMINAL[s.state] !== undefined || eventId(s) > last),
      map((s): JobEvent => {
        last = eventId(s);
        return { event: TERMINAL[s.state] ?? 'progress', id: last, data: s };
      }),
    );
  });
}
