import { open, stat } from 'node:fs/promises';
import type { ChunkRecord, PartCheckpoint } from './checkpoint.js';
import { hashRange } from './durable-file.js';
import type { ExportPlan, KeyRange } from './export-plan.js';

/** What an export wrote: the file's size and sha256, and every chunk's key range, offset and sha256. */
export interface ExportManifest {
  kind: 'export';
  version: 1;
  id: string;
  schema: string;
  table: string;
  orderBy: string;
  where: ExportPlan['where'];
  columns: string[];
  /** `path`: where it was written (the server leaves it out of API answers). */
  file: { name: string; path?: string; rows: number; bytes: number; sha256: string };
  parts: Array<{ index: number; range: KeyRange; chunks: Array<ChunkRecord & { offset: number }> }>;
  finishedAt: string;
}

/** Lays the parts' chunks out at their offsets in the joined file. */
export function manifestParts(parts: PartCheckpoint[]): ExportManifest['parts'] {
  let offset = 0;
  return parts.map((p) => ({
    index: p.part,
    range: p.range,
    chunks: p.chunks.map((c) => {
      const out = { ...c, offset };
      offset += c.bytes;
      return out;
    }),
  }));
}

/** Result of checking a file against its manifest. */
export interface FileVerifyResult {
  ok: boolean;
  chunks: number;
  bytes: number;
  sha256: string | null;
  firstMismatch?: { part: number; chunk: number; offset: number; after: string | null; through: string | null; reason: string };
}

/**
 * Re-hashes a file chunk by chunk against its manifest, reporting the first chunk (with its key
 * range) whose bytes differ, then the size and whole-file sha256.
 */
export async function verifyFile(path: string, m: ExportManifest): Promise<FileVerifyResult> {
  const size = (await stat(path)).size;
  const fh = await open(path, 'r');
  try {
    let n = 0;
    for (const p of m.parts) {
      for (const [i, c] of p.chunks.entries()) {
        n++;
        const bad = c.offset + c.bytes > size ? 'file is shorter' : (await hashRange(fh, c.offset, c.bytes)) !== c.sha256 ? 'sha256 differs' : null;
        if (bad) return { ok: false, chunks: n, bytes: size, sha256: null, firstMismatch: { part: p.index, chunk: i, offset: c.offset, after: c.after, through: c.through, reason: bad } };
      }
    }
    const sha256 = await hashRange(fh, 0, size);
    if (size !== m.file.bytes || sha256 !== m.file.sha256) {
      return { ok: false, chunks: n, bytes: size, sha256, firstMismatch: { part: -1, chunk: -1, offset: m.file.bytes, after: null, through: null, reason: 'bytes after the last chunk' } };
    }
    return { ok: true, chunks: n, bytes: size, sha256 };
  } finally {
    await fh.close();
  }
}
