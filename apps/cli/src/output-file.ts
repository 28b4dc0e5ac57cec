import { createWriteStream, type WriteStream } from 'node:fs';
import { lstat, realpath, rename, rm } from 'node:fs/promises';

/** Where `-o/--out` bytes go, and how they land there. */
export interface OutputFile {
  /** The stream to write the bytes into. */
  stream: WriteStream;
  /** After the stream finished: puts the bytes in place (the rename, for a regular file). */
  commit(): Promise<void>;
  /** After a failure: removes the temp file (nothing for a file written in place). */
  discard(): Promise<void>;
}

/**
 * Opens `path` for an output. A regular file (or a new path) is written to a temp file beside it
 * and renamed over it at the end, so a reader never sees half a file and a failed run leaves the
 * old one. Anything else is written in place: renaming over /dev/null, a FIFO or a device would
 * replace it with a regular file (the FIFO's reader would get nothing, /dev/null would be gone for
 * every process on the machine). A symlink is followed: its target is what gets written.
 */
export async function openOutput(path: string): Promise<OutputFile> {
  const target = await resolveLink(path);
  if (!(await isRegularOrNew(target))) {
    const stream = createWriteStream(target, { flags: 'w' });
    return { stream, commit: () => Promise.resolve(), discard: () => Promise.resolve() };
  }
  const tmp = `${target}.rowflow-tmp`;
  const stream = createWriteStream(tmp);
  return {
    stream,
    commit: () => rename(tmp, target),
    discard: () => rm(tmp, { force: true }),
  };
}

/** The path a symlink finally points to (the path itself when it is none, or when the link dangles). */
async function resolveLink(path: string): Promise<string> {
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isSymbolicLink()) return path;
  return realpath(path).catch(() => path);
}

async function isRegularOrNew(path: string): Promise<boolean> {
  const st = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  return st === undefined || st.isFile();
}
