import type { KeyRange } from './export-plan.js';

/** One checkpointed chunk of a part file: its key range, its bytes and their sha256. */
export interface ChunkRecord {
  /** Exclusive lower key (null: the part's start); a header chunk has after = through = null and rows 0. */
  after: string | null;
  through: string | null;
  rows: number;
  bytes: number;
  sha256: string;
}

/**
 * Durable progress of one part file, rewritten atomically after every fsync'd chunk. Node's
 * sha256 state cannot be serialised, so the checkpoint keeps one sha256 per chunk instead: a
 * resume re-hashes the file's committed prefix chunk by chunk (which also verifies it), and the
 * whole file's sha256 is computed once from the finished file.
 */
export interface PartCheckpoint {
  version: 1;
  part: number;
  range: KeyRange;
  /** Inclusive upper key of the last committed chunk (null: nothing yet). */
  lastKey: string | null;
  rows: number;
  bytes: number;
  chunks: ChunkRecord[];
  done: boolean;
}

export function emptyCheckpoint(part: number, range: KeyRange): PartCheckpoint {
  return { version: 1, part, range, lastKey: null, rows: 0, bytes: 0, chunks: [], done: false };
}

/** The checkpoint cut back to its first `n` chunks (resume after a chunk failed verification). */
export function truncateCheckpoint(ck: PartCheckpoint, n: number): PartCheckpoint {
  const chunks = ck.chunks.slice(0, n);
  const last = [...chunks].reverse().find((c) => c.through !== null);
  return {
    ...ck,
    chunks,
    lastKey: last?.through ?? null,
    rows: chunks.reduce((s, c) => s + c.rows, 0),
    bytes: chunks.reduce((s, c) => s + c.bytes, 0),
    done: false,
  };
}
