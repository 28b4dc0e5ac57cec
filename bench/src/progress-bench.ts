/**
 * Job progress feed: 100 SSE watchers of one running job, against the built orchestrator. The
 * figure is the status reads the process made while they watched (its
 * `rowflow_job_status_reads_total` counter), against what one poll per watcher would cost.
 * `npm run bench -- progress`.
 */
import http from 'node:http';
import type { BenchResult, Harness } from './harness.js';

const WATCHERS = 100;
const POLL_MS = 250;

async function statusReads(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('rowflow_job_status_reads_total '));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** Opens one SSE watcher and resolves with its event count when the server ends the stream. */
function watch(url: string): Promise<number> {
  return new Promise((ok, fail) => {
    http
      .get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
        let events = 0;
        res.setEncoding('utf8');
        res.on('data', (d: string) => (events += d.split('\nid: ').length - 1));
        res.on('end', () => ok(events));
        res.on('error', fail);
      })
      .on('error', fail);
  });
}

export async function run(h: Harness): Promise<BenchResult[]> {
  const pg = await h.postgres();
  const stack = await h.startStack(pg.url, { WORKER_CONCURRENCY: '1' });
  try {
    const rows = h.quick ? 50_000 : 300_000;
    const res = await fetch(`${stack.orchestratorUrl}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ table: 'users', rows, seed: 1, chunkSize: 1000, targetTable: 'progress_bench' }),
    });
    const job = (await res.json()) as { id: string };
    h.log(`progress: ${WATCHERS} watchers of a ${rows}-row job`);
    const before = await statusReads(stack.orchestratorUrl);
    const t0 = performance.now();
    const events = await Promise.all(Array.from({ length: WATCHERS }, () => watch(`${stack.orchestratorUrl}/api/jobs/${job.id}/events`)));
    const seconds = (performance.now() - t0) / 1000;
    const reads = (await statusReads(stack.orchestratorUrl)) - before;
    const intervals = (seconds * 1000) / POLL_MS;
    const perWatcher = WATCHERS * intervals; // what one poll per watcher would have cost
    return [
      {
        name: `progress feed: status reads, ${WATCHERS} watchers of one job for ${seconds.toFixed(1)} s`,
        value: reads,
        unit: 'queries',
        ratio: reads / perWatcher,
        baseline: `one poll per watcher (${Math.round(perWatcher)} queries)`,
        target: '<= 1 query per interval',
        note: `${(reads / intervals).toFixed(2)} queries per ${POLL_MS} ms interval; ${Math.min(...events)}–${Math.max(...events)} events per watcher`,
      },
    ];
  } finally {
    await stack.stop();
  }
}
