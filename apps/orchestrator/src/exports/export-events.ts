import { Inject, Injectable } from '@nestjs/common';
import type { ExportStatus } from '@rowflow/contracts';
import { exportEvents$ } from '@rowflow/export';
import { ProgressFeed } from '@rowflow/jobs';
import type { Response } from 'express';
import { map } from 'rxjs';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';
import { encodeProgressEvent } from '../jobs/job-events.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { openSse, writeSse } from '../relay/sse-sink.js';
import { ExportsService } from './exports.service.js';

/**
 * `GET /api/exports/:id/events`, served like a job's: every watcher of an export in this process
 * shares one ProgressFeed poll of `rowflow.exports` (any process can serve any export; a late
 * client gets the current state), and the frames go out through the project's SSE writer — a
 * slow client holds one pending frame, never a queue — with `: heartbeat` comments.
 */
@Injectable()
export class ExportEvents {
  readonly feed: ProgressFeed<ExportStatus>;

  constructor(
    exports: ExportsService,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    private readonly metrics: MetricsService,
  ) {
    this.feed = new ProgressFeed<ExportStatus>((id) => exports.get(id));
  }

  /** Streams the export's events to `res` until it ends or the client leaves. */
  async stream(id: string, lastEventId: number | undefined, res: Response): Promise<void> {
    openSse(res);
    const done = this.metrics.streamStarted('export_events');
    let bytes = 0;
    try {
      const frames = exportEvents$(this.feed.statuses(id), lastEventId).pipe(map(encodeProgressEvent));
      await writeSse(frames, res, { heartbeatMs: this.config.SSE_HEARTBEAT_MS, onFrame: (n) => (bytes += n) });
    } finally {
      done({ bytes });
    }
  }
}
