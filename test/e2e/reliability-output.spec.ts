import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/cli-harness.js';

/**
 * `-o/--out` writes through a temp file + rename only when the path is a regular file (or new):
 * renaming over a FIFO, a device or a symlink replaces it with a regular file. Each case runs the
 * real CLI in a temp dir of its own.
 */
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rowflow-out-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const GENERATE = ['generate', '--table', 'users', '--rows', '25', '--seed', '7', '--no-progress'];

async function reference(): Promise<string> {
  const res = await cli(GENERATE);
  expect(res.code).toBe(0);
  return res.stdout;
}

function readAll(path: string): Promise<string> {
  return new Promise((done, fail) => {
    let text = '';
    createReadStream(path, 'utf8')
      .on('data', (d) => (text += String(d)))
      .once('end', () => done(text))
      .once('error', fail);
  });
}

describe('-o/--out', () => {
  it('writes into a FIFO in place: it stays a FIFO and its reader gets the rows', async () => {
    const fifo = join(dir, 'rows.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = readAll(fifo); // opening a FIFO for reading waits for its writer
    const res = await cli([...GENERATE, '-o', fifo]);
    expect(res.code, res.stderr).toBe(0);
    expect(await reader).toBe(await reference());
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    expect(await readdir(dir)).not.toContain('rows.fifo.rowflow-tmp');
  });

  it('follows a symlink: the link stays, its target gets the rows', async () => {
    const target = join(dir, 'target.csv');
    const link = join(dir, 'link.csv');
    await writeFile(target, 'old\n');
    await symlink(target, link);
    const res = await cli([...GENERATE, '-o', link]);
    expect(res.code, res.stderr).toBe(0);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(target);
    expect(await readFile(target, 'utf8')).toBe(await reference());
  });

  it('replaces a regular file whole (temp + rename), leaving no temp file', async () => {
    const file = join(dir, 'plain.csv');
    await writeFile(file, 'old\n');
    const res = await cli([...GENERATE, '-o', file]);
    expect(res.code, res.stderr).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(await reference());
    expect((await readdir(dir)).filter((n) => n.endsWith('.rowflow-tmp'))).toEqual([]);
  });
});
