import type { CreateExportRequest, ExportStatus } from '@rowflow/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, fetchJson } from '../lib/api.js';

export interface ExportRun {
  status: ExportStatus | null;
  error: { field?: string; message: string } | null;
  starting: boolean;
  start: (req: CreateExportRequest) => void;
  cancel: () => void;
  resume: () => void;
}

const EVENTS = ['progress', 'completed', 'failed', 'cancelled'] as const;

/**
 * One export: POST /api/exports, then its SSE feed (`progress` … `completed|failed|cancelled`,
 * each carrying the full status). The EventSource is closed on a terminal event and on unmount.
 */
export function useExport(): ExportRun {
  const [status, setStatus] = useState<ExportStatus | null>(null);
  const [error, setError] = useState<ExportRun['error']>(null);
  const [starting, setStarting] = useState(false);
  const source = useRef<EventSource | null>(null);

  const follow = useCallback((id: string) => {
    source.current?.close();
    const es = new EventSource(`/api/exports/${encodeURIComponent(id)}/events`);
    source.current = es;
    for (const name of EVENTS) {
      es.addEventListener(name, (e) => {
        setStatus(JSON.parse((e as MessageEvent<string>).data) as ExportStatus);
        if (name !== 'progress') es.close();
      });
    }
  }, []);

  useEffect(() => () => source.current?.close(), []);

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
  return { status, error, starting, start, cancel: () => action('cancel'), resume: () => action('resume') };
}
