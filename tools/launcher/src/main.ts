/**
 * `npm start`: one command that brings the whole system up on a fresh machine: PostgreSQL
 * (embedded under ./.rowflow/ unless DATABASE_URL is set), the generator, the orchestrator
 * (which serves the web page), and stops all of it on Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { GENERATOR_NODE_FLAGS, portIsFree, spawnPostgres, stopProcess, waitHealthy, type SpawnedPostgres } from '@rowflow/devdb';
import { ConfigError, LOG_CONFIG, type LogFormat, loadConfig, port, redactedUrl, removeStackFile, str, url, writeStackFile } from '@rowflow/platform';
import { pino } from 'pino';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

function loadLauncherConfig() {
  return loadConfig({
    PORT: port(3000),
    GENERATOR_PORT: port(3001),
    HOST: str('127.0.0.1'),
    DATABASE_URL: url(undefined, ['postgres:', 'postgresql:']),
    ROWFLOW_DATA_DIR: str(resolve(ROOT, '.rowflow')),
    /** Embedded PostgreSQL's port: fixed by default, so the printed psql URL stays the same. */
    EMBEDDED_PG_PORT: port(55432),
    ...LOG_CONFIG,
  });
}

const children: ChildProcess[] = [];
let pg: SpawnedPostgres | undefined;
let stopping = false;
let banner: ((msg: string) => void) | undefined;
let stackDir: string | undefined;

/**
 * The launcher's own lines: plain on a terminal, JSON lines like the apps' with LOG_FORMAT=json.
 * Printed whatever LOG_LEVEL says: they are the banner, not diagnostics.
 */
function say(msg: string): void {
  if (banner) banner(msg);
  else process.stdout.write(`[rowflow] ${msg}\n`);
}

function useFormat(format: LogFormat): void {
  if (format !== 'json') return;
  const log = pino({ name: 'launcher', base: { pid: process.pid } });
  banner = (msg) => log.info(msg);
}

function startApp(name: string, entry: string, env: NodeJS.ProcessEnv, nodeFlags: readonly string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, resolve(ROOT, entry)], { env: { ...process.env, ...env }, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    say(`${name} exited (${signal ?? code}); stopping everything`);
    void shutdown(1);
  });
  children.push(child);
  return child;
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (stackDir) await removeStackFile(stackDir).catch(() => undefined);
  await Promise.all(children.map((c) => stopProcess(c)));
  if (pg) {
    say('stopping embedded PostgreSQL');
    await pg.stop().catch(() => undefined);
  }
  process.exit(code);
}

/** Embedded PostgreSQL in `<dataDir>/pg`; resolves to the URL of its unprivileged app role. */
async function startEmbedded(dataRoot: string, pgPort: number): Promise<string> {
  const dataDir = resolve(dataRoot, 'pg');
  if (!(await portIsFree(pgPort))) {
    throw new Error(`port ${pgPort} for embedded PostgreSQL is in use (another Rowflow running?); set EMBEDDED_PG_PORT or DATABASE_URL`);
  }
  say(`starting embedded PostgreSQL on port ${pgPort} (data in ${dataDir})`);
  pg = await spawnPostgres({ dataDir, port: pgPort, detached: true });
  return pg.url;
}

/**
 * The apps' ports must be free before anything starts: with another instance (or anything else)
 * on them, our apps fail to bind while the health checks reach the other one, and "ready" would
 * be announced for a system whose loads go into someone else's database.
 */
async function checkPortsFree(cfg: ReturnType<typeof loadLauncherConfig>): Promise<void> {
  if (cfg.PORT === cfg.GENERATOR_PORT) throw new StartError(`PORT and GENERATOR_PORT are both ${cfg.PORT}; give each app its own port`);
  const taken: string[] = [];
  for (const [key, p] of [['PORT', cfg.PORT], ['GENERATOR_PORT', cfg.GENERATOR_PORT]] as const) {
    if (!(await portIsFree(p, cfg.HOST))) taken.push(`${key}=${p}`);
  }
  if (taken.length) {
    throw new StartError(`port in use: ${taken.join(', ')} (another Rowflow running?); nothing was started. Stop the other process (ss -ltnp 'sport = :${taken[0]!.split('=')[1]}' shows it) or set PORT / GENERATOR_PORT`);
  }
}

/** A refusal to start, reported as its message alone. */
class StartError extends Error {
  override name = 'StartError';
}

/** Waits for an app's /health; false when the launcher is stopping (the app exited: its port was someone else's after all). */
async function healthy(url: string): Promise<boolean> {
  await waitHealthy(url, 30_000, () => stopping);
  return !stopping;
}

async function main(): Promise<void> {
  const cfg = loadLauncherConfig();
  useFormat(cfg.LOG_FORMAT);
  // The apps share the launcher's stdout: the same format for every line of it.
  process.env.LOG_FORMAT = cfg.LOG_FORMAT;
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  await checkPortsFree(cfg);
  const databaseUrl = cfg.DATABASE_URL ?? (await startEmbedded(cfg.ROWFLOW_DATA_DIR, cfg.EMBEDDED_PG_PORT));
  const host = cfg.HOST === '0.0.0.0' ? '127.0.0.1' : cfg.HOST;
  const generatorUrl = `http://${host}:${cfg.GENERATOR_PORT}`;
  const orchestratorUrl = `http://${host}:${cfg.PORT}`;
  startApp('generator', 'apps/generator/dist/main.js', { PORT: String(cfg.GENERATOR_PORT), HOST: cfg.HOST }, GENERATOR_NODE_FLAGS);
  if (!(await healthy(generatorUrl))) return;
  startApp('orchestrator', 'apps/orchestrator/dist/main.js', {
    PORT: String(cfg.PORT),
    HOST: cfg.HOST,
    GENERATOR_URL: generatorUrl,
    DATABASE_URL: databaseUrl,
  });
  if (!(await healthy(orchestratorUrl))) return;
  say(`web page      ${orchestratorUrl}/`);
  say(`orchestrator  ${orchestratorUrl}/api/docs   (health ${orchestratorUrl}/health)`);
  say(`generator     ${generatorUrl}/api/docs   (health ${generatorUrl}/health)`);
  if (pg) say(`database      psql ${databaseUrl}   (embedded PostgreSQL, role "rowflow", not a superuser)`);
  else say(`database      ${redactedUrl(databaseUrl)}`);
  await writeStackFile(cfg.ROWFLOW_DATA_DIR, { version: 1, pid: process.pid, startedAt: new Date().toISOString(), orchestratorUrl, generatorUrl, databaseUrl, embedded: pg !== undefined });
  stackDir = cfg.ROWFLOW_DATA_DIR;
  say(`the rowflow command line finds this stack (${cfg.ROWFLOW_DATA_DIR}/stack.json): npx rowflow --help`);
  say('Ctrl-C stops everything');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError || err instanceof StartError ? err.message : String(err)}\n`);
  void shutdown(1);
});
