import type pg from 'pg';

function ignore(): void {}

/**
 * Runs `fn` on a pooled connection. Any failure discards the connection instead of returning it
 * (it may be mid-COPY or mid-transaction); with `rollback`, a ROLLBACK is tried first. A
 * discarded connection can still report its death after release, so it keeps ignoring errors —
 * removing the listener there turned a terminated backend's late FATAL into an uncaught exception.
 */
export async function withSession<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, opts: { rollback?: boolean } = {}): Promise<T> {
  const client = await pool.connect();
  // A checked-out client whose server goes away emits 'error'; the failing query reports it.
  client.on('error', ignore);
  let broken: Error | undefined;
  try {
    return await fn(client);
  } catch (err) {
    broken = err instanceof Error ? err : new Error(String(err));
    if (opts.rollback) await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    if (!broken) client.off('error', ignore);
    client.release(broken);
  }
}
