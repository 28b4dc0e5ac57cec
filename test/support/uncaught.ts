/**
 * For tests that kill a backend under running work: collects every uncaught exception raised
 * while `body` runs (a pg client 'error' nobody listens to ends up there, and would crash a
 * server), so the test can assert there were none.
 */
export async function collectingUncaught<T>(body: (uncaught: readonly unknown[]) => Promise<T>): Promise<T> {
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown): void => void uncaught.push(err);
  process.prependListener('uncaughtException', onUncaught);
  try {
    return await body(uncaught);
  } finally {
    process.off('uncaughtException', onUncaught);
  }
}

/**
 * Terminates (through `admin`) the backends `where` selects in pg_stat_activity, polling until
 * at least one was, while `work` is still pending; throws if `work` settles first (the moment
 * to kill was missed, so the test would prove nothing).
 */
export async function terminateWhilePending(admin: { query(sql: string): Promise<{ rowCount: number | null }> }, work: Promise<unknown>, where: string, what: string): Promise<void> {
  let settled: unknown = 'pending';
  work.then((v) => (settled = v), (e: unknown) => (settled = e));
  for (let killed = 0; killed === 0; ) {
    if (settled !== 'pending') throw new Error(`${what} ended before it was seen: ${String(settled)}`);
    const res = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND ${where}`);
    killed = res.rowCount ?? 0;
  }
}
