import { type ChangeStreamSpec, type TableSpec, ValidationError } from '@rowflow/contracts';
import { BEFORE_PREFIX, DEFAULT_CHANGE_WEIGHTS } from '@rowflow/schema';
import type { Cell, CompiledColumn } from './column.js';
import { cellSeed, streamKey, TWO32 } from './hash.js';
import { RowContext } from './row-context.js';

export type ChangeOp = 'insert' | 'update' | 'delete';

/** Where event k lands: its key index, its round (the how-many-th visit of that key) and op. */
export interface ChangeEvent {
  key: number;
  round: number;
  op: ChangeOp;
}

/**
 * The op logic of a change stream over `keys` keys, a pure function of (seed, table, event).
 * Events come in rounds of `keys` events; each round visits every key once, in order rotated by
 * a per-round hash (round 0 unrotated: the initial inserts). On a visit a key that exists is
 * updated or deleted (in proportion updateRatio : deleteRatio); one that does not exist is
 * inserted again. With p = deleteRatio / (updateRatio + deleteRatio), the steady-state shares
 * after round 0 are inserts = deletes = p/(1+p), updates = (1−p)/(1+p).
 *
 * Seeking: visit r of key K draws u(K, r); "delete-eligible" when u < p. A run of eligible
 * visits alternates delete/insert (each starts from an existing key), and a non-eligible visit
 * is an update or an insert — so the op of visit r only needs the length of the run of eligible
 * visits ending at r (or at r − 1): expected 1/(1 − p) hash draws, independent of r.
 */
export class ChangeStreamLogic {
  readonly keys: number;
  private readonly threshold: number;
  private readonly drawKey: number;
  private readonly rotateKey: number;

  constructor(seed: number, table: string, spec: ChangeStreamSpec) {
    this.keys = spec.keys;
    const update = spec.updateRatio ?? DEFAULT_CHANGE_WEIGHTS.updateRatio;
    const del = spec.deleteRatio ?? DEFAULT_CHANGE_WEIGHTS.deleteRatio;
    this.threshold = (del / (update + del)) * TWO32;
    this.drawKey = streamKey(seed, table, '\u0000change-op');
    this.rotateKey = streamKey(seed, table, '\u0000change-rotate');
  }

  /** Key index, round and op of event k. */
  event(k: number): ChangeEvent {
    const round = Math.floor(k / this.keys);
    const key = (k - round * this.keys + this.rotation(round)) % this.keys;
    return { key, round, op: this.op(key, round) };
  }

  /** Event index at which key `key` is visited in round `round` (inverse of `event`). */
  eventIndex(key: number, round: number): number {
    return round * this.keys + ((key - this.rotation(round) + this.keys) % this.keys);
  }

  /** Op of the visit `round` of key `key`. */
  op(key: number, round: number): ChangeOp {
    if (round === 0) return 'insert';
    if (this.eligible(key, round)) return this.runEndingAt(key, round) % 2 === 1 ? 'delete' : 'insert';
    return this.runEndingAt(key, round - 1) % 2 === 1 ? 'insert' : 'update';
  }

  /** Virtual row index of the values key `key` holds after round `round` (distinct per (key, round)). */
  versionRow(key: number, round: number): number {
    return round * this.keys + key;
  }

  private rotation(round: number): number {
    if (round === 0) return 0;
    return cellSeed(this.rotateKey, round >>> 0, Math.floor(round / TWO32) >>> 0) % this.keys;
  }

  private eligible(key: number, round: number): boolean {
    const perKey = cellSeed(this.drawKey, key >>> 0, Math.floor(key / TWO32) >>> 0);
    return cellSeed(perKey, round >>> 0, Math.floor(round / TWO32) >>> 0) < this.threshold;
  }

  /** Number of consecutive delete-eligible visits ending at `round` (round 0 never is). */
  private runEndingAt(key: number, round: number): number {
    let n = 0;
    for (let r = round; r >= 1 && this.eligible(key, r); r--) n++;
    return n;
  }
}

/** Per-event cache shared by the columns of one stream (they are evaluated in order for each row). */
class ChangeCursor {
  private at = -1;
  event: ChangeEvent = { key: 0, round: 0, op: 'insert' };
  readonly keyRow: RowContext;
  readonly after: RowContext;
  readonly before: RowContext;

  constructor(
    private readonly logic: ChangeStreamLogic,
    seed: number,
    table: string,
  ) {
    this.keyRow = new RowContext(seed, table);
    this.after = new RowContext(seed, table);
    this.before = new RowContext(seed, table);
  }

  moveTo(k: number): this {
    if (k === this.at) return this;
    this.at = k;
    const e = (this.event = this.logic.event(k));
    this.keyRow.setRow(e.key);
    this.after.setRow(this.logic.versionRow(e.key, e.round));
    if (e.round > 0) this.before.setRow(this.logic.versionRow(e.key, e.round - 1));
    return this;
  }
}

/**
 * Columns of a change stream: `seq` (the event index), `op`, the after image (every table
 * column; all but the key are NULL on delete) and the before image (`before_<column>`, all NULL
 * on insert). The key column always evaluates at row index = key index, so a key keeps its
 * value across versions; other columns evaluate at `versionRow(key, round)`.
 */
export function changeStreamColumns(spec: TableSpec, columns: CompiledColumn[], seed: number, field = 'schema'): CompiledColumn[] {
  const cs = spec.changeStream as ChangeStreamSpec;
  const logic = new ChangeStreamLogic(seed, spec.name, cs);
  const cursor = new ChangeCursor(logic, seed, spec.name);
  const keyName = spec.columns.find((c) => c.primaryKey)?.name;
  const key = columns.find((c) => c.name === keyName);
  if (!key) throw new ValidationError(`${field}.changeStream`, 'needs a primaryKey column');
  if (key.capacity < cs.keys) throw new ValidationError(`${field}.changeStream.keys`, `column "${key.name}" can produce only ${key.capacity} distinct keys`);
  const seq: CompiledColumn = { name: 'seq', kind: 'number', capacity: Infinity, value: (row) => row.k };
  const op: CompiledColumn = { name: 'op', kind: 'plain', capacity: Infinity, value: (row) => cursor.moveTo(row.k).event.op };
  const after = columns.map((c) => imageColumn(c, c === key, cursor, 'after', cs.keys));
  const before = columns.map((c) => imageColumn(c, c === key, cursor, 'before', cs.keys));
  return [seq, op, ...after, ...before];
}

/** `keys` also bounds capacity: event k's version row is below k + keys. */
function imageColumn(c: CompiledColumn, isKey: boolean, cursor: ChangeCursor, image: 'after' | 'before', keys: number): CompiledColumn {
  const inner = c.value;
  const name = image === 'after' ? c.name : BEFORE_PREFIX + c.name;
  const capacity = isKey ? Infinity : Math.max(0, c.capacity - keys);
  const value = (row: { k: number }): Cell => {
    const { op } = cursor.moveTo(row.k).event;
    if (image === 'before' ? op === 'insert' : op === 'delete' && !isKey) return null;
    if (isKey) return inner(cursor.keyRow);
    return inner(image === 'after' ? cursor.after : cursor.before);
  };
  return { name, kind: c.kind, capacity, value };
}
