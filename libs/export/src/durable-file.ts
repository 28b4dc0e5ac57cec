import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, open, readFile, rename } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { ValidationError } from '@rowflow/contracts';

/** fsync of a directory: makes a rename inside it durable (POSIX: the entry lives in the directory). */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes JSON atomically: tmp file + fsync + rename + directory fsync. A reader sees old or new, never half. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(`${JSON.stringify(value, null, 1)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await fsyncDir(dirname(path));
}

/** Parsed JSON file, or undefined when it does not exist. */
export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes a whole buffer at `position` (FileHandle.write may write less than asked). */
export async function writeAt(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  for (let off = 0; off < buf.length; ) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, position + off);
    off += bytesWritten;
  }
}

/** sha256 (hex) of bytes [start, start + length) of an open file, read in 1 MB slices. */
export async function hashRange(fh: FileHandle, start: number, length: number): Promise<string> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  for (let pos = start, left = length; left > 0; ) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, left), pos);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
    left -= bytesRead;
  }
  return hash.digest('hex');
}

/**
 * Resolves `name` inside `root` and refuses anything that would land outside it (`..`, absolute
 * paths, NUL): export files are only ever created under the configured directory.
 */
export function insideDir(root: string, name: string, field = 'id'): string {
  if (name.includes('\u0000') || name === '') throw new ValidationError(field, 'is not a valid name');
  const full = resolve(root, name);
  const rel = relative(resolve(root), full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new ValidationError(field, 'must stay inside the export directory');
  return full;
}

