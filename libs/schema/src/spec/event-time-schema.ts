import type { ColumnSpec, TableSpec } from '@rowflow/contracts';
import { z } from 'zod';
import { BEFORE_PREFIX, CHANGE_COLUMNS, DEFAULT_CHANGE_WEIGHTS, EVENT_TIME_KEYS, MAX_DUPLICATE_RATIO } from '../event-time-options.js';
import { MAX_INSTANT, MIN_INSTANT, parseIsoInstant } from './iso-instant.js';
import { strictObject } from './zod-issues.js';

type Ctx = z.RefinementCtx;

const MAX_RATE = 1_000_000;
const MAX_DELAY_MS = 1e10; // ~115 days of disorder is already absurd for a stream
const MAX_KEYS = 1e9;

function numIn(lo: number, hi: number, integer = false) {
  const msg = `must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]`;
  const n = z.number({ error: msg }).min(lo, { error: msg }).max(hi, { error: msg });
  return integer ? n.int({ error: msg }) : n;
}

const instant = (input: unknown) => `must be an ISO 8601 instant, got ${JSON.stringify(input)}`;

/** Column options of `mode: "eventTime"` (timestamp/timestamptz); their cross rules are in checkEventTimeRules. */
export const EVENT_TIME_OPTIONS = {
  ratePerSec: z.number({ error: `must be a number in (0, ${MAX_RATE}]` }).positive({ error: 'must be > 0' }).max(MAX_RATE, { error: `must be a number in (0, ${MAX_RATE}]` }),
  start: z.string({ error: (iss) => instant(iss.input) }).refine(
    (v) => {
      const ms = parseIsoInstant(v);
      return Number.isFinite(ms) && ms >= MIN_INSTANT && ms <= MAX_INSTANT;
    },
    { error: (iss) => instant(iss.input) },
  ),
  maxOutOfOrderMs: numIn(0, MAX_DELAY_MS, true),
  lateRatio: numIn(0, 1),
  lateMaxMs: numIn(1, MAX_DELAY_MS, true),
};

/**
 * Event-time options mean something only with `mode: "eventTime"`, so a forgotten mode is an
 * error instead of a silently monotonic column; from/to/stepMs have no meaning with it.
 */
export function checkEventTimeRules(col: ColumnSpec, ctx: Ctx): void {
  const given = EVENT_TIME_KEYS.filter((k) => col[k] !== undefined);
  if (col.mode !== 'eventTime') {
    if (given[0]) ctx.addIssue({ code: 'custom', path: [given[0]], message: 'only for timestamp/timestamptz columns with mode "eventTime"' });
    return;
  }
  for (const key of ['from', 'to', 'stepMs'] as const) {
    if (col[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'not used with mode "eventTime" (use start and ratePerSec)' });
  }
  const ooo = col.maxOutOfOrderMs ?? 0;
  if ((col.lateRatio ?? 0) > 0 && col.lateMaxMs === undefined) ctx.addIssue({ code: 'custom', path: ['lateMaxMs'], message: 'required when lateRatio > 0' });
  if (col.lateMaxMs !== undefined && col.lateMaxMs <= ooo) {
    const message = `must be greater than maxOutOfOrderMs (${ooo}): a late event is later than the ordinary disorder`;
    ctx.addIssue({ code: 'custom', path: ['lateMaxMs'], message });
  }
}

const changeStreamSchema = strictObject(
  { keys: numIn(1, MAX_KEYS, true), updateRatio: numIn(0, 1).optional(), deleteRatio: numIn(0, 1).optional() },
  'changeStream',
  'must be an object {keys, updateRatio?, deleteRatio?}',
);

/** Table options of event streams (`duplicateRatio`, `changeStream`), added to every table shape. */
export const STREAM_TABLE_OPTIONS = {
  duplicateRatio: numIn(0, MAX_DUPLICATE_RATIO).optional(),
  changeStream: changeStreamSchema.optional(),
};

/** Rules across a table's stream options and its columns. */
export function checkStreamTableRules(spec: TableSpec, ctx: Ctx): void {
  if (spec.duplicateRatio) {
    // Unique columns are unique by construction; a re-delivered row repeats its values.
    const unique = spec.columns.find((c) => c.unique || (c.primaryKey && !spec.changeStream));
    if (unique) ctx.addIssue({ code: 'custom', path: ['duplicateRatio'], message: `duplicates repeat every value, so column "${unique.name}" cannot be unique/primaryKey` });
  }
  if (spec.changeStream) checkChangeStream(spec, ctx);
}

function checkChangeStream(spec: TableSpec, ctx: Ctx): void {
  const cs = spec.changeStream;
  if (!cs) return;
  if ((cs.updateRatio ?? DEFAULT_CHANGE_WEIGHTS.updateRatio) + (cs.deleteRatio ?? DEFAULT_CHANGE_WEIGHTS.deleteRatio) <= 0) {
    ctx.addIssue({ code: 'custom', path: ['changeStream', 'updateRatio'], message: 'updateRatio and deleteRatio must not both be 0' });
  }
  if (spec.columns.filter((c) => c.primaryKey).length !== 1) {
    ctx.addIssue({ code: 'custom', path: ['changeStream'], message: 'needs exactly one primaryKey column (the key of the change events)' });
  }
  spec.columns.forEach((c, i) => {
    if ((CHANGE_COLUMNS as readonly string[]).includes(c.name) || c.name.startsWith(BEFORE_PREFIX)) {
      ctx.addIssue({ code: 'custom', path: ['columns', i, 'name'], message: `"${c.name}" is reserved in a change stream (seq, op, before_*)` });
    }
  });
}
