import { type ChangeStreamSpec, type ColumnSpec, rejectUnknownKeys, type TableSpec, ValidationError } from '@rowflow/contracts';

type Raw = Record<string, unknown>;

/** Column keys that only mean something with `mode: "eventTime"`. */
export const EVENT_TIME_KEYS = ['ratePerSec', 'start', 'maxOutOfOrderMs', 'lateRatio', 'lateMaxMs'] as const;

/** Row 0's base time when `start` is absent. */
export const DEFAULT_EVENT_START = '2025-01-01T00:00:00.000Z';
/** Events per second of event time when `ratePerSec` is absent. */
export const DEFAULT_EVENT_RATE = 100;
/** Largest duplicate ratio: above it most rows would be copies, and a copy chain gets long. */
export const MAX_DUPLICATE_RATIO = 0.5;
/** Default weights of a change stream's updates and deletes (on keys that exist). */
export const DEFAULT_CHANGE_WEIGHTS = { updateRatio: 0.9, deleteRatio: 0.1 };
/** Columns a change stream adds itself: a user column with one of these names would be shadowed. */
export const CHANGE_COLUMNS = ['seq', 'op'] as const;
export const BEFORE_PREFIX = 'before_';

const MAX_RATE = 1_000_000;
const MAX_DELAY_MS = 1e10; // ~115 days of disorder is already absurd for a stream
const MAX_KEYS = 1e9;

function num(raw: Raw, key: string, field: string, lo: number, hi: number, integer = false): number | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    throw new ValidationError(`${field}.${key}`, `must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]`);
  }
  return v;
}

/**
 * Event-time options of a timestamp/timestamptz column. Copies the known options onto `col`
 * (the validator returns a clean copy) and refuses them on any other column or mode, so a
 * forgotten `mode` is an error instead of a silently monotonic column.
 */
export function checkEventTimeOptions(raw: Raw, col: ColumnSpec, field: string, parseIso: (s: string) => number): void {
  const given = EVENT_TIME_KEYS.filter((k) => raw[k] !== undefined);
  if (col.mode !== 'eventTime') {
    if (given.length > 0) throw new ValidationError(`${field}.${given[0]}`, 'only for timestamp/timestamptz columns with mode "eventTime"');
    return;
  }
  for (const key of ['from', 'to', 'stepMs'] as const) {
    if (raw[key] !== undefined) throw new ValidationError(`${field}.${key}`, `not used with mode "eventTime" (use start and ratePerSec)`);
  }
  const rate = num(raw, 'ratePerSec', field, Number.MIN_VALUE, MAX_RATE);
  if (rate === 0) throw new ValidationError(`${field}.ratePerSec`, 'must be > 0');
  if (rate !== undefined) col.ratePerSec = rate;
  if (raw.start !== undefined) {
    const ms = typeof raw.start === 'string' ? parseIso(raw.start) : NaN;
    if (!Number.isFinite(ms)) throw new ValidationError(`${field}.start`, `must be an ISO 8601 instant, got ${JSON.stringify(raw.start)}`);
    col.start = raw.start as string;
  }
  checkDisorder(raw, col, field);
}

function checkDisorder(raw: Raw, col: ColumnSpec, field: string): void {
  const ooo = num(raw, 'maxOutOfOrderMs', field, 0, MAX_DELAY_MS, true);
  const late = num(raw, 'lateRatio', field, 0, 1);
  const lateMax = num(raw, 'lateMaxMs', field, 1, MAX_DELAY_MS, true);
  if (ooo !== undefined) col.maxOutOfOrderMs = ooo;
  if (late !== undefined) col.lateRatio = late;
  if (lateMax !== undefined) col.lateMaxMs = lateMax;
  if ((late ?? 0) > 0 && lateMax === undefined) throw new ValidationError(`${field}.lateMaxMs`, 'required when lateRatio > 0');
  if (lateMax !== undefined && lateMax <= (ooo ?? 0)) {
    throw new ValidationError(`${field}.lateMaxMs`, `must be greater than maxOutOfOrderMs (${ooo ?? 0}): a late event is later than the ordinary disorder`);
  }
}

/** Table options `duplicateRatio` and `changeStream`; copies them onto `spec` when valid. */
export function checkStreamTableOptions(input: Raw, spec: TableSpec, field: string): void {
  const dup = num(input, 'duplicateRatio', field, 0, MAX_DUPLICATE_RATIO);
  if (dup) {
    // Unique columns are unique by construction; a re-delivered row repeats its values.
    const unique = spec.columns.find((c) => c.unique || (c.primaryKey && !input.changeStream));
    if (unique) throw new ValidationError(`${field}.duplicateRatio`, `duplicates repeat every value, so column "${unique.name}" cannot be unique/primaryKey`);
  }
  if (dup !== undefined) spec.duplicateRatio = dup;
  if (input.changeStream !== undefined) spec.changeStream = checkChangeStream(input.changeStream, spec, `${field}.changeStream`);
}

function checkChangeStream(raw: unknown, spec: TableSpec, field: string): ChangeStreamSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError(field, 'must be an object {keys, updateRatio?, deleteRatio?}');
  }
  const obj = raw as Raw;
  rejectUnknownKeys(obj, ['keys', 'updateRatio', 'deleteRatio'], field);
  const keys = num(obj, 'keys', field, 1, MAX_KEYS, true);
  if (keys === undefined) throw new ValidationError(`${field}.keys`, 'is required (size of the key space)');
  const out: ChangeStreamSpec = { keys };
  const update = num(obj, 'updateRatio', field, 0, 1);
  const del = num(obj, 'deleteRatio', field, 0, 1);
  if (update !== undefined) out.updateRatio = update;
  if (del !== undefined) out.deleteRatio = del;
  if ((update ?? DEFAULT_CHANGE_WEIGHTS.updateRatio) + (del ?? DEFAULT_CHANGE_WEIGHTS.deleteRatio) <= 0) {
    throw new ValidationError(`${field}.updateRatio`, 'updateRatio and deleteRatio must not both be 0');
  }
  checkChangeColumns(spec, field);
  return out;
}

function checkChangeColumns(spec: TableSpec, field: string): void {
  const keys = spec.columns.filter((c) => c.primaryKey);
  if (keys.length !== 1) throw new ValidationError(field, 'needs exactly one primaryKey column (the key of the change events)');
  spec.columns.forEach((c, i) => {
    if ((CHANGE_COLUMNS as readonly string[]).includes(c.name) || c.name.startsWith(BEFORE_PREFIX)) {
      throw new ValidationError(`${field.replace(/\.changeStream$/, '')}.columns[${i}].name`, `"${c.name}" is reserved in a change stream (seq, op, before_*)`);
    }
  });
}

/**
 * The columns a stream of `spec` actually has, as a plain table spec (what a COPY target needs):
 * the spec itself, or for a change stream `seq`, `op`, the after image and `before_*` columns —
 * without primary-key/unique flags, since every key appears once per event, and nullable images.
 */
export function outputTableSpec(spec: TableSpec): TableSpec {
  if (!spec.changeStream) return spec;
  const plain = spec.columns.map((c): ColumnSpec => {
    const copy: ColumnSpec = { ...c };
    delete copy.primaryKey;
    delete copy.unique;
    return copy;
  });
  const seq: ColumnSpec = { name: 'seq', type: 'bigint' };
  const op: ColumnSpec = { name: 'op', type: 'enum', values: ['insert', 'update', 'delete'] };
  const out: TableSpec = { name: spec.name, columns: [seq, op, ...plain, ...plain.map((c) => ({ ...c, name: BEFORE_PREFIX + c.name }))] };
  if (spec.description !== undefined) out.description = spec.description;
  return out;
}
