import type { Command } from 'commander';
import { databaseUrl } from '../engine/database.js';
import { runningStack } from '../engine/discovery.js';
import { ServerClient } from '../engine/server-client.js';
import { UsageError } from '../exit.js';

export interface ConnectionOptions {
  databaseUrl?: string;
  server?: string;
  token?: string;
}

/** --database-url (in-process engine) or --server URL [--token T] (a running orchestrator). */
export function connectionOptions(cmd: Command): Command {
  return cmd
    .option('--database-url <url>', 'run in-process against this PostgreSQL (default: $DATABASE_URL)')
    .option('--server <url>', 'use a running orchestrator instead, e.g. http://127.0.0.1:3000')
    .option('--token <token>', 'API token for --server (default: $ROWFLOW_API_TOKEN)');
}

export type Target = { kind: 'db'; url: string } | { kind: 'server'; client: ServerClient };

/**
 * --server, else --database-url / DATABASE_URL, else the orchestrator of the stack `npm start`
 * is running (so its workers run the job and the web page shows it).
 */
export function target(opts: ConnectionOptions): Target {
  if (opts.server !== undefined && opts.databaseUrl !== undefined) throw new UsageError('give either --server or --database-url, not both', 'server');
  const server = opts.server ?? (opts.databaseUrl === undefined && !process.env.DATABASE_URL ? discoveredServer() : undefined);
  if (server !== undefined) return { kind: 'server', client: new ServerClient(server, opts.token ?? process.env.ROWFLOW_API_TOKEN) };
  return { kind: 'db', url: databaseUrl(opts.databaseUrl) };
}

/** A server only (work that runs on the orchestrator): --server, else the running stack's. */
export function serverTarget(opts: ConnectionOptions, why: string): ServerClient {
  const server = opts.server ?? discoveredServer();
  if (server === undefined) throw new UsageError(`${why}: give --server URL, or start the stack with npm start (the CLI finds it)`, 'server');
  return new ServerClient(server, opts.token ?? process.env.ROWFLOW_API_TOKEN);
}

function discoveredServer(): string | undefined {
  const stack = runningStack();
  if (stack) process.stderr.write(`using the stack npm start is running (pid ${stack.pid}): ${stack.orchestratorUrl}\n`);
  return stack?.orchestratorUrl;
}
