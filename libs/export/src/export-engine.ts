import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, realpath, rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { basename, dirname, join } from 'node:path';
import type pg from 'pg';
import type { PartCheckpoint } from './checkpoint.js';
import { fsyncDir, hashRange, readJson, writeAt, writeJsonAtomic } from './durable-file.js';
import type { ExportPlan } from './export-plan.js';
import { type ExportManifest, manifestParts } from './manifest.js';
import { partCheckpointFile, partFile, PartRunner } from './part-runner.js';
import { DEFAULT_RETRY, type RetryPolicy } from '@rowflow/pg';

export const planFile = (dir: string) => join(dir, 'plan.json');
export const manifestFile = (dir: string) => join(dir, 'manifest.json');

/** Progress totals over all parts, after each durable chunk. */
export interface ExportProgress {
  rows: number;
  bytes: number;
  chunks: number;
  rowsEstimate: number | null;
}

export interface ExportRunOptions {
  pool: pg.Pool;
  id: string;
  /** Work directory: plan, part files and checkpoints, manifest. */
  dir: string;
  /** Where the finished file goes (inside `dir` for the server; the CLI's --out). */
  finalPath: string;
  signal: AbortSignal;
  retry?: RetryPolicy;
  onProgress?: (p: ExportProgress) => void;
  onRetry?: (err: unknown) => void;
}

/**
 * Stores the plan on first run; on a rerun returns the stored one, so the key ranges and
 * statements are the ones the existing checkpoints were made with.
 */
export async function loadOrSavePlan(dir: string, fresh: () => Promise<ExportPlan>): Promise<ExportPlan> {
  const stored = await readJson<ExportPlan>(planFile(dir));
  if (stored) return stored;
  // Planned (checked against the database) before the directory exists: a refused request leaves nothing behind.
  const plan = await fresh();
  await mkdir(dir, { recursive: true });
  await writeJsonAtomic(planFile(dir), plan);
  return plan;
}

/**
 * Runs (or continues) an export: every part in parallel from its checkpoint, then the join
 * (parts concatenated in key order — the same bytes as one worker) into a temp file, hashed as
 * it is written; then the manifest with that hash; then the rename into place. The manifest is
 * written before the rename, so a rerun after any crash either finds a verified finished file
 * or re-joins the parts and checks the result against the manifest before placing it.
 */
export async function runExport(plan: ExportPlan, o: ExportRunOptions): Promise<ExportManifest> {
  await mkdir(o.dir, { recursive: true });
  const done = await finishedManifest(o);
  if (done) return done;
  const totals = plan.ranges.map(() => ({ rows: 0, bytes: 0, chunks: 0 }));
  const report = () =>
    o.onProgress?.({ ...totals.reduce((a, t) => ({ rows: a.rows + t.rows, bytes: a.bytes + t.bytes, chunks: a.chunks + t.chunks }), { rows: 0, bytes: 0, chunks: 0 }), rowsEstimate: plan.rowsEstimate });
  // The first part to fail stops the others, and the export ends only once none is still
  // running: a rerun (resume) must never share the part files and checkpoints with a leftover.
  const failed = new AbortController();
  const signal = AbortSignal.any([o.signal, failed.signal]);
  const settled = await Promise.allSettled(
    plan.ranges.map((_, index) =>
      new PartRunner({
        pool: o.pool, plan, dir: o.dir, index, signal, retry: o.retry ?? DEFAULT_RETRY, onRetry: o.onRetry,
        onChunk: (ck) => {
          totals[index] = { rows: ck.rows, bytes: ck.bytes, chunks: ck.chunks.length };
          report();
        },
      })
        .run()
        .catch((err: unknown) => {
          failed.abort(err);
          throw err;
        }),
    ),
  );
  o.signal.throwIfAborted();
  if (failed.signal.aborted) throw failed.signal.reason;
  const parts = settled.map((r) => (r as PromiseFulfilledResult<PartCheckpoint>).value);
  const joined = await joinParts(o, parts.length);
  const manifest = buildManifest(plan, o, parts, joined);
  await writeJsonAtomic(manifestFile(o.dir), manifest);
  await joined.place();
  report();
  return manifest;
}

async function finishedManifest(o: ExportRunOptions): Promise<ExportManifest | undefined> {
  const m = await readJson<ExportManifest>(manifestFile(o.dir));
  if (!m) return undefined;
  // Only a regular file can be re-read and hashed (opening a FIFO to read it would block).
  const st = await stat(o.finalPath).catch(() => undefined);
  const size = st?.isFile() ? st.size : -1;
  if (size === m.file.bytes) {
    const fh = await open(o.finalPath, 'r');
    try {
      if ((await hashRange(fh, 0, size)) === m.file.sha256) return m;
    } finally {
      await fh.close();
    }
  }
  const partsThere = await Promise.all(m.parts.map((p) => stat(partFile(o.dir, p.index)).then(() => true, () => false)));
  if (partsThere.every(Boolean)) {
    // Crashed between manifest and rename: the parts are still there. They are joined again and
    // placed only if the join hashes to what the manifest promised.
    const joined = await joinParts(o, m.parts.length);
    if (joined.sha256 === m.file.sha256 && joined.bytes === m.file.bytes) {
      await joined.place();
      return m;
    }
    await joined.discard();
  }
  // The finished file was removed or changed afterwards, or the parts no longer give it: export
  // again from the start. Checkpoints first: the manifest is what sends a rerun down this path again.
  for (const p of m.parts) await rm(partCheckpointFile(o.dir, p.index), { force: true });
  await rm(manifestFile(o.dir), { force: true });
  return undefined;
}

function buildManifest(plan: ExportPlan, o: ExportRunOptions, parts: PartCheckpoint[], joined: Joined): ExportManifest {
  return {
    kind: 'export', version: 1, id: o.id, schema: plan.schema, table: plan.table, orderBy: plan.orderBy, where: plan.where, columns: plan.columns,
    file: { name: basename(o.finalPath), path: o.finalPath, rows: parts.reduce((s, p) => s + p.rows, 0), bytes: joined.bytes, sha256: joined.sha256 },
    parts: manifestParts(parts),
    finishedAt: new Date().toISOString(),
  };
}

/** The joined file, staged and hashed: `place` puts it at the final path, `discard` drops the stage. */
interface Joined {
  sha256: string;
  bytes: number;
  place(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Joins the part files into a staged final file (tmp + fsync; one part is used as it is), hashing
 * every byte on the way: the manifest's hash is the hash of the very bytes that get placed, read
 * once. A final path that is not a regular file (a FIFO, a device, a symlink to one) cannot be
 * staged: the parts are hashed, and placing writes them there in place (a rename would replace
 * it with a regular file).
 */
async function joinParts(o: ExportRunOptions, parts: number): Promise<Joined> {
  await mkdir(dirname(o.finalPath), { recursive: true });
  // A symlink stays a symlink: its target is what gets (re)written.
  const dest = await realpath(o.finalPath).catch(() => o.finalPath);
  const removeParts = async () => {
    for (let i = 0; i < parts; i++) await rm(partFile(o.dir, i), { force: true });
  };
  const staged = (await isSpecialFile(dest)) ? undefined : parts === 1 ? partFile(o.dir, 0) : `${dest}.rowflow-tmp`;
  const hash = createHash('sha256');
  let bytes = 0;
  const count = (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  };
  if (staged === undefined || parts === 1) for await (const chunk of partsReader(o.dir, parts)) count(chunk as Buffer);
  else await writeSynced(staged, partsReader(o.dir, parts), count);
  return {
    sha256: hash.digest('hex'),
    bytes,
    place: async () => {
      if (staged === undefined) await pipeline(partsReader(o.dir, parts), createWriteStream(dest));
      else {
        // A sole part on another file system than the final path (the CLI's --out) cannot be
        // renamed there: it is copied next to it first, then renamed.
        if (!(await rename(staged, dest).then(() => true, () => false))) await copyThenRename(staged, dest);
        await fsyncDir(dirname(dest));
      }
      await removeParts();
    },
    discard: async () => {
      if (staged !== undefined && parts > 1) await rm(staged, { force: true });
    },
  };
}

/** Writes `source` to `path` from its start and fsyncs it; `each` sees every chunk on the way. */
async function writeSynced(path: string, source: AsyncIterable<unknown>, each: (chunk: Buffer) => void = () => undefined): Promise<void> {
  const out = await open(path, 'w');
  try {
    let pos = 0;
    for await (const c of source) {
      const chunk = c as Buffer;
      each(chunk);
      await writeAt(out, chunk, pos);
      pos += chunk.length;
    }
    await out.sync();
  } finally {
    await out.close();
  }
}

/** Copies `from` next to `dest` (tmp + fsync) and renames it into place. */
async function copyThenRename(from: string, dest: string): Promise<void> {
  const tmp = `${dest}.rowflow-tmp`;
  await writeSynced(tmp, createReadStream(from));
  await rename(tmp, dest);
}

/** True when `path` exists (following symlinks) and is anything but a regular file. */
async function isSpecialFile(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => undefined);
  return st !== undefined && !st.isFile();
}

/** The part files' bytes one after the other. */
function partsReader(dir: string, parts: number): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < parts; i++) yield* createReadStream(partFile(dir, i));
    })(),
  );
}
