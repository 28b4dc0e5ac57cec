/**
 * Plumbing for the browser tests: the built generator + orchestrator as real processes on free
 * ports (the orchestrator serving the built page), the page built when stale, and headless
 * Chromium from the system (no browser downloads here).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { freePort, stopProcess } from '@rowflow/devdb';
import { type Browser, chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const WEB_DIST = join(ROOT, 'apps/web/dist');
export const SCREENSHOTS = join(ROOT, 'test-output/screenshots');

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Newest mtime under a directory (recursive). */
function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

function webIsFresh(): boolean {
  const index = join(WEB_DIST, 'index.html');
  const web = join(ROOT, 'apps/web');
  const sources = Math.max(newest(join(web, 'src')), statSync(join(web, 'index.html')).mtimeMs, newest(join(ROOT, 'libs/contracts/src')));
  return existsSync(index) && statSync(index).mtimeMs >= sources;
}

/**
 * Builds apps/web/dist when it is missing or older than its sources (`npm test` builds it first).
 * Spec files run in parallel workers: a lock directory keeps two builds from emptying each
 * other's dist.
 */
export async function ensureWebBuilt(): Promise<void> {
  if (webIsFresh()) return;
  const lock = join(ROOT, 'test-output', '.web-build-lock');
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // a lock left by a killed run expires; a live build takes a few seconds
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!webIsFresh()) buildWeb();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function buildWeb(): void {
  const web = join(ROOT, 'apps/web');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(web, 'vite.config.ts'), '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}

export interface WebStack {
  url: string;
  generatorUrl: string;
  /** Tail of both processes' output (warn+ logs, crashes), for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

async function waitHealthy(url: string, child: ChildProcess, logs: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}:\n${logs()}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} not healthy after ${timeoutMs} ms:\n${logs()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function start(entry: string, env: NodeJS.ProcessEnv, sink: string[]): ChildProcess {
  // pino logs (warn and up) go to stdout, crashes to stderr: keep the tail of both for failure messages.
  const child = spawn(process.execPath, [join(ROOT, entry)], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (d: Buffer) => {
    sink.push(d.toString());
    if (sink.length > 200) sink.splice(0, sink.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return child;
}

/**
 * Starts generator + orchestrator (serving WEB_DIST) against `databaseUrl`, both with the extra
 * `env` (e.g. an API token). Stops what it started on failure.
 */
export async function startWebStack(databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<WebStack> {
  const sink: string[] = [];
  const logs = () => sink.join('').slice(-4000);
  const [gp, op] = [await freePort(), await freePort()];
  const generatorUrl = `http://127.0.0.1:${gp}`;
  const url = `http://127.0.0.1:${op}`;
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map((c) => stopProcess(c, 5000)));
  };
  try {
    children.push(start('apps/generator/dist/main.js', { ...env, PORT: String(gp) }, sink));
    await waitHealthy(generatorUrl, children[0]!, logs);
    children.push(start('apps/orchestrator/dist/main.js', { ...env, PORT: String(op), GENERATOR_URL: generatorUrl, DATABASE_URL: databaseUrl, WEB_DIST }, sink));
    await waitHealthy(url, children[1]!, logs);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, generatorUrl, logs, stop };
}

export interface CuttableProxy {
  url: string;
  /** Destroys every open connection (both directions), like a network drop. */
  cut(): void;
  /** Refuses (destroys) new connections until `release()`: keeps a reconnecting client reconnecting. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/** A TCP pass-through to `target` whose connections the test can sever, to drop an SSE stream for real. */
export async function cuttableProxy(target: string): Promise<CuttableProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let held = false;
  const track = (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = createServer((client) => {
    if (held) return void client.destroy();
    const upstream = connect(Number(port), hostname);
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    hold: () => void (held = true),
    release: () => void (held = false),
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}
