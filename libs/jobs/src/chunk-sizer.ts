import type { ColumnSpec, TableSpec } from '@rowflow/contracts';
import { DEFAULT_CHUNK_SIZE } from './job-spec.js';

/** Bounds for `chunkSize: "auto"`. */
export interface AutoChunkOptions {
  min: number;
  max: number;
  /** Commit latency the sizer steers toward. */
  targetMs: number;
  /** Upper bound on the bytes of one chunk (estimated from the schema). */
  memoryBudgetBytes: number;
  /**
   * True while the process is over its memory budget: chunks (fixed or auto) shrink to a
   * quarter (not below PRESSURE_MIN_ROWS) so each holds less in flight. Exactness does not
   * depend on chunk sizes: each checkpoint records its real end row.
   */
  pressure?: () => boolean;
}

/** Smallest chunk memory pressure cuts to. */
export const PRESSURE_MIN_ROWS = 100;

export const DEFAULT_AUTO: AutoChunkOptions = { min: 500, max: 100_000, targetMs: 300, memoryBudgetBytes: 32 * 1024 * 1024 };

/** Rough CSV bytes of one value of a column (including its comma), for the memory cap. */
function columnBytes(c: ColumnSpec): number {
  switch (c.type) {
    case 'serial': case 'int': case 'boolean': return 8;
    case 'bigint': case 'decimal': case 'foreignKey': return 12;
    case 'uuid': return 37;
    case 'date': return 11;
    case 'timestamp': case 'timestamptz': return 26;
    case 'char': return (c.length ?? 1) + 1;
    case 'vector': return (c.dimensions ?? 3) * 10 + 3;
    case 'json': return 120;
    case 'text': return c.mode === 'paragraph' ? 400 : c.mode === 'sentence' ? 80 : 20;
    case 'enum': case 'firstName': case 'lastName': case 'city': case 'country': case 'ip': case 'phone': case 'username': return 16;
    case 'fullName': case 'email': case 'company': case 'jobTitle': case 'streetAddress': return 28;
    case 'url': case 'cidr': case 'macaddr': case 'interval': case 'time': case 'money': case 'range': return 24;
    case 'bytes': return 2 * (c.maxLength ?? 32) + 3;
    case 'array': return 16 * (c.maxLength ?? 4) + 3;
    case 'hstore': case 'geometry': return 80;
    case 'pattern': return 24;
  }
}

/** Estimated CSV bytes per row of a schema. */
export function estimateBytesPerRow(spec: TableSpec): number {
  return spec.columns.reduce((n, c) => n + columnBytes(c), 1);
}

/**
 * Chooses the next chunk size. Fixed sizes never change; 'auto' starts at 5000 and moves toward
 * `targetMs` per commit (at most ×2 or ÷2 per step, so one slow commit does not collapse it),
 * within [min, max] and never above memoryBudget / bytesPerRow. Checkpoints record each
 * chunk's real end row, so any size sequence stays exact.
 */
export class ChunkSizer {
  private current: number;
  private readonly ceiling: number;

  constructor(
    private readonly fixed: number | null,
    bytesPerRow: number,
    private readonly opts: AutoChunkOptions = DEFAULT_AUTO,
    start?: number | null,
  ) {
    this.ceiling = Math.max(opts.min, Math.min(opts.max, Math.floor(opts.memoryBudgetBytes / Math.max(1, bytesPerRow))));
    this.current = fixed ?? this.clamp(start ?? DEFAULT_CHUNK_SIZE);
  }

  get size(): number {
    if (!this.opts.pressure?.()) return this.current;
    return Math.min(this.current, Math.max(PRESSURE_MIN_ROWS, Math.floor(this.current / 4)));
  }

  /** Feeds back one committed chunk: `rows` took `ms` from BEGIN to COMMIT. */
  observe(rows: number, ms: number): void {
    if (this.fixed !== null || rows < this.current) return; // a short tail chunk says little
    const factor = Math.min(2, Math.max(0.5, this.opts.targetMs / Math.max(1, ms)));
    this.current = this.clamp(Math.round(this.current * factor));
  }

  private clamp(n: number): number {
    return Math.max(this.opts.min, Math.min(this.ceiling, n));
  }
}
