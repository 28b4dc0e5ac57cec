import { Inject, Injectable } from '@nestjs/common';
import { ProgressFeed } from '@rowflow/jobs';
import type { Response } from 'express';
import { map } from 'rxjs';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { openSse, writeSse } from '../relay/sse-sink.js';
import { JobsService } from './jobs.service.js';

/**
 * `GET /api/jobs/:id/events`: every watcher of a job in this process shares one ProgressFeed
 * poll (one status query per interval per job, however many browsers watch it), and the
 * events go out through the same SSE writer as the preview (backpressure, heartbeats).
 */
@Injectable()
export class JobEvents {
  readonly feed: ProgressFeed;

  constructor(
    jobs: JobsService,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    private readonly metrics: MetricsService,
  ) {
    this.feed = new ProgressFeed((id) => {
      metrics.statusRead();
      return jobs.get(id);
    });
    // A job that ended here is re-read at once: its watchers hear the end without the poll's delay.
    jobs.ended.subscribe((id) => this.feed.wake(id));
  }

  /** Streams the job's events to `res` until the job ends or the client leaves. */
  async stream(jobId: string, lastEventId: number | undefined, res: Response): Promise<void> {
    openSse(res);
    const done = this.metrics.streamStarted('job_events');
    let bytes = 0;
    try {
      const frames = this.feed.events(jobId, lastEventId).pipe(map(encodeProgressEvent));
      await writeSse(frames, res, { heartbeatMs: this.config.SSE_HEARTBEAT_MS, onFrame: (n) => (bytes += n) });
    } finally {
      done({ bytes });
    }
  }
}

/** One job or export event as an SSE frame: `event: <name>`, `id: <progress id>`, JSON data. */
export function encodeProgressEvent(e: { event: string; id: number; data: unknown }): string {
  return `event: ${e.event}\nid: ${e.id}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/** Parses a Last-Event-ID header; anything that is not a non-negative integer is ignored. */
export function parseLastEventId(raw: string | string[] | undefined): number | undefined {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v.trim());
}
