import type { CreateExportRequest, ExportStatus } from '@rowflow/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, deleteExport, fetchJson } from '../lib/api.js';

export interface ExportRun {
  status: ExportStatus | null;
  error: { field?: string; message: string } | null;
  starting: boolean;
  start: (req: CreateExportRequest) => void;
  cancel: () => void;
  resume: () => void;
  /** Deletes the ended export (files and record) and forgets it. */
  remove: () => void;
  /** Forgets the last server error (the form found a problem of its own before sending). */
  clearError: () => void;
}

const EVENTS = ['progress', 'completed', 'failed', 'cancelled'] as const;
const TERMINAL = new Set<string>(['completed', 'failed', 'cancelled']);
const POLL_MS = 2000;

/**
 * One export: POST /api/exports, then its SSE feed (`progress` … `completed|failed|cancelled`,
 * each carrying the full status). The EventSource is closed on a terminal event and on unmount.
 */
export function useExport(): ExportRun {
  const [status, setStatus] = useState<ExportStatus | null>(null);
  const [error, setError] = useState<ExportRun['error']>(null);
  const [starting, setStarting] = useState(false);
  const source = useRef<EventSource | null>(null);
  const poll = useRef<ReturnType<typeof setInterval> | null>(null);

  const stopFollowing = useCallback(() => {
    source.current?.close();
    if (poll.current) clearInterval(poll.current);
    poll.current = null;
  }, []);

  const follow = useCallback(
    (id: string) => {
      stopFollowing();
      const path = `/api/exports/${encodeURIComponent(id)}`;
      const es = new EventSource(`${path}/events`);
      source.current = es;
      const seen = (s: ExportStatus) => {
        setStatus(s);
        if (TERMINAL.has(s.state)) stopFollowing();
      };
      for (const name of EVENTS) es.addEventListener(name, (e) => seen(JSON.parse((e as MessageEvent<string>).data) as ExportStatus));
      // The event stream carries progress; a plain status read every few seconds makes sure the
      // end is seen even when the browser holds the stream back (it allows few connections per host).
      poll.current = setInterval(() => void fetchJson<ExportStatus>(path).then(seen, () => undefined), POLL_MS);
    },
    [stopFollowing],
  );

  useEffect(() => stopFollowing, [stopFollowing]);

  const call = useCallback(
    async (fn: () => Promise<ExportStatus>) => {
      setError(null);
      setStarting(true);
      try {
        const s = await fn();
        setStatus(s);
        follow(s.id);
      } catch (err) {
        setError(err instanceof ApiError ? { field: err.body.field, message: err.body.message } : { message: (err as Error).message });
      } finally {
        setStarting(false);
      }
    },
    [follow],
  );

  const start = useCallback((req: CreateExportRequest) => void call(() => fetchJson<ExportStatus>('/api/exports', { method: 'POST', body: JSON.stringify(req) })), [call]);
  const action = (name: 'cancel' | 'resume') => {
    if (status) void call(() => fetchJson<ExportStatus>(`/api/exports/${encodeURIComponent(status.id)}/${name}`, { method: 'POST' }));
  };
  const clearError = useCallback(() => setError(null), []);
  const remove = () => {
    if (!status) return;
    setError(null);
    deleteExport(status.id).then(
      () => setStatus(null),
      (err: unknown) => setError(err instanceof ApiError ? { field: err.body.field, message: err.body.message } : { message: (err as Error).message }),
    );
  };
  return { status, error, starting, start, cancel: () => action('cancel'), resume: () => action('resume'), remove, clearError };
}
