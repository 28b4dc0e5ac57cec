import type { JobStatus } from '@rowflow/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, listJobs } from '../lib/api.js';

const POLL_MS = 2000;

/** The jobs list, polled while the tab is visible; `refresh` forces a reload (after an action). */
export function useJobs() {
  const [jobs, setJobs] = useState<JobStatus[]>([]);
  const [error, setError] = useState<string | null>(null);
  const alive = useRef(true);

  const refresh = useCallback(async () => {
    try {
      const list = await listJobs();
      if (!alive.current) return;
      setJobs([...list].sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '')));
      setError(null);
    } catch (err) {
      if (alive.current) setError(err instanceof ApiError ? err.message : 'Could not load the jobs list.');
    }
  }, []);

  useEffect(() => {
    alive.current = true;
    void refresh();
    const id = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, POLL_MS);
    return () => {
      alive.current = false;
      clearInterval(id);
    };
  }, [refresh]);

  return { jobs, error, refresh };
}
