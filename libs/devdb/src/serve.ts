/**
 * Child-process entry used by spawnPostgres: starts a throwaway cluster (or a persistent one in
 * the data dir given as argument, on the port given next, 0 = free), prints its URL on stdout,
 * and stops it when stdin closes (parent finished or died) or on SIGTERM/SIGINT. For a persistent
 * cluster the URL is the unprivileged application role's; the superuser only sets it up.
 */
import { DevPostgres, persistentSuperuserPassword, throwawayPostgres } from './dev-postgres.js';
import { freePort } from './net.js';

const onLog = process.env.ROWFLOW_PG_LOG ? (l: string) => process.stderr.write(l + '\n') : undefined;
const dataDir = process.argv[2];

async function persistent(dir: string): Promise<{ pg: DevPostgres; url: string }> {
  const port = Number(process.argv[3] ?? 0) || (await freePort());
  const pg = new DevPostgres({ dataDir: dir, port, persistent: true, superuserPassword: await persistentSuperuserPassword(dir), onLog });
  await pg.start();
  return { pg, url: await pg.ensureAppRole() };
}

async function throwaway(): Promise<{ pg: DevPostgres; url: string }> {
  const pg = await throwawayPostgres(onLog);
  return { pg, url: pg.url };
}

const { pg, url } = dataDir ? await persistent(dataDir) : await throwaway();
process.stdout.write(url + '\n');

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await pg.stop().catch(() => undefined);
  process.exit(0);
}
process.stdin.on('end', () => void shutdown());
process.stdin.on('close', () => void shutdown());
process.stdin.resume();
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
