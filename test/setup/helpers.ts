import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A fresh database on the run's throwaway server, so test files never see each other's tables.
 * Returns its URL and a drop function.
 */
export async function freshDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client(serverUrl);
      await c.connect();
      try {
        await untilDisconnected(c, name);
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * Waits (up to 10 s) until no session is connected to database `name`. `pool.end()` resolves
 * before its connections have closed; forcing such a connection off with DROP … WITH (FORCE)
 * sends it a FATAL that its pool re-emits as an 'error' nobody listens to any more, which the
 * test runner reports as an uncaught exception. Whatever is still connected after the wait
 * (an app that really holds a connection) is forced off by the drop.
 */
async function untilDisconnected(c: pg.Client, name: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
    if (rows[0]!.n === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
