/**
 * Child-process entry used by spawnThrowawayPostgres: starts a throwaway cluster, prints its URL
 * on stdout, and stops it when stdin closes (parent finished or died) or on SIGTERM/SIGINT.
 */
import { throwawayPostgres } from './dev-postgres.js';

const pg = await throwawayPostgres(process.env.ROWFLOW_PG_LOG ? (l) => process.stderr.write(l + '\n') : undefined);
process.stdout.write(pg.url + '\n');

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
