import { readFileSync } from 'node:fs';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * `<data dir>/stack.json`: how to reach the stack `npm start` is running, so the command line
 * finds it without the user copying URLs from the banner. Written once everything is healthy,
 * removed when the launcher stops; a file left by a killed launcher names a dead pid and is
 * ignored.
 */
export interface StackInfo {
  version: 1;
  /** The launcher's pid. */
  pid: number;
  startedAt: string;
  orchestratorUrl: string;
  generatorUrl: string;
  /** The connection URL, password included (the file is mode 600, like a .pgpass). */
  databaseUrl: string;
  /** true: the embedded PostgreSQL under the data dir (its app role's password is no secret). */
  embedded: boolean;
}

export const STACK_FILE = 'stack.json';

export function stackFilePath(dataDir: string): string {
  return join(dataDir, STACK_FILE);
}

/** Writes the file readable by its owner only (it may hold a database password). */
export async function writeStackFile(dataDir: string, info: StackInfo): Promise<void> {
  const path = stackFilePath(dataDir);
  const tmp = `${path}.${process.pid}.tmp`;
  await mkdir(dataDir, { recursive: true });
  await writeFile(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

/** Removes the file if it is this process's (a second launcher must not remove the first's). */
export async function removeStackFile(dataDir: string, pid = process.pid): Promise<void> {
  const info = readStackInfo(dataDir);
  if (info?.pid === pid) await rm(stackFilePath(dataDir), { force: true });
}

/** The file's contents, or undefined when absent or unreadable. Synchronous: a few hundred bytes. */
function readStackInfo(dataDir: string): StackInfo | undefined {
  let text: string;
  try {
    text = readFileSync(stackFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(text) as Partial<StackInfo>;
    const ok = v.version === 1 && Number.isInteger(v.pid) && typeof v.orchestratorUrl === 'string' && typeof v.generatorUrl === 'string' && typeof v.databaseUrl === 'string';
    return ok ? (v as StackInfo) : undefined;
  } catch {
    return undefined;
  }
}

/** The running stack, or undefined when there is no file or its launcher is gone. */
export function findRunningStack(dataDir: string): StackInfo | undefined {
  const info = readStackInfo(dataDir);
  return info && processAlive(info.pid) ? info : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The URL with its password replaced by `***`, as logs and banners show it. */
export function redactedUrl(url: string): string {
  return url.replace(/:[^:@/]*@/, ':***@');
}
