import type { CatalogEntry } from '@rowflow/contracts';
import { useEffect, useState } from 'react';
import { ApiError, listTables } from '../lib/api.js';

/** The table catalog, loaded once. */
export function useCatalog() {
  const [tables, setTables] = useState<CatalogEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    listTables().then(
      (t) => alive && setTables(t),
      (err: unknown) => alive && setError(err instanceof ApiError ? `HTTP ${err.status}` : 'orchestrator not reachable'),
    );
    return () => {
      alive = false;
    };
  }, []);
  return { tables, error };
}
