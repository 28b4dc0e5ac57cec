/**
 * Child-process entry used by spawnPostgres: starts a throwaway cluster (or a persistent one in
 * the data dir given as argument), prints its URL
 * on stdout, and stops it when stdin closes (parent finished or died) or on SIGTERM/SIGINT.
 */
import { DevPostgres, throwawayPostgres } from './dev-postgres.js';
import { freePort } from './net.js';

const onLog = process.env.ROWFLOW_PG_LOG ? (l: string) => process.stderr.write(l + '\n') : undefined;
const dataDir = process.argv[2];
const pg = dataDir ? new DevPostgres({ dataDir, port: await freePort(), persistent: true, onLog }) : await throwawayPostgres(onLog);
if (dataDir) await pg.start();
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
