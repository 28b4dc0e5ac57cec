import type { ColumnSpec } from '@rowflow/contracts';
import type { z } from 'zod';
import { INT32_MAX, INT32_MIN, isTemporalRange } from '../column-types.js';
import { checkEventTimeRules } from './event-time-schema.js';
import { parseIsoInstant } from './iso-instant.js';
import { checkProfileRules } from './profile-schema.js';

type Ctx = z.RefinementCtx;

function fail(ctx: Ctx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

/** Rules across a column's options (each option's own range is checked by its schema). */
export function checkColumnRules(col: ColumnSpec, ctx: Ctx): void {
  if (col.nullRatio && (col.unique || col.primaryKey || col.type === 'serial')) fail(ctx, ['nullRatio'], 'not allowed on a unique or primary-key column');
  if (typeof col.min === 'number' && typeof col.max === 'number' && col.min > col.max) fail(ctx, ['min'], `min (${col.min}) is greater than max (${col.max})`);
  if (col.minLength !== undefined && col.maxLength !== undefined && col.minLength > col.maxLength) {
    fail(ctx, ['minLength'], `minLength (${col.minLength}) is greater than maxLength (${col.maxLength})`);
  }
  // Shortening cuts the part that makes email and username values unique (their row number).
  if ((col.type === 'email' || col.type === 'username') && col.maxLength !== undefined && (col.unique || col.primaryKey)) {
    fail(ctx, ['maxLength'], 'cannot be combined with unique or primaryKey: shortened values repeat');
  }
  if (col.type === 'decimal') checkDecimal(col, ctx);
  if (col.type === 'time' && col.from !== undefined && col.to !== undefined && col.from > col.to) fail(ctx, ['from'], `from (${col.from}) is after to (${col.to})`);
  if (col.type === 'range') checkRange(col, ctx);
  if (col.type === 'enum' && !col.values) fail(ctx, ['values'], 'enum needs 1..10000 values');
  if (col.mode === 'block' && col.blockSize === undefined) fail(ctx, ['blockSize'], 'required for int mode "block"');
  if (col.mode === 'sequence' && col.type === 'int' && col.distribution) fail(ctx, ['distribution'], 'a sequence has no distribution');
  if (col.weights) checkWeights(col, ctx);
  if (col.type !== 'time' && col.from !== undefined && col.to !== undefined && parseIsoInstant(col.from) > parseIsoInstant(col.to)) {
    fail(ctx, ['from'], `from (${col.from}) is after to (${col.to})`);
  }
  checkEventTimeRules(col, ctx);
  checkProfileRules(col, (path, message) => fail(ctx, path, message));
}

function checkDecimal(col: ColumnSpec, ctx: Ctx): void {
  const precision = col.precision ?? 10;
  const scale = col.scale ?? Math.min(2, precision);
  if (scale > precision) return fail(ctx, ['scale'], `must be an integer in [0, precision=${precision}]`);
  const limit = 10 ** (precision - scale);
  for (const key of ['min', 'max'] as const) {
    const v = col[key];
    if (v !== undefined && Math.abs(v) >= limit) return fail(ctx, [key], `${v} does not fit numeric(${precision},${scale}) (|value| < ${limit})`);
  }
}

/** Numeric subtypes take numeric min/max; temporal ones ISO dates (min/max or from/to). */
function checkRange(col: ColumnSpec, ctx: Ctx): void {
  const temporal = isTemporalRange(col.subtype);
  const bounds = { min: col.min as unknown, max: col.max as unknown };
  for (const key of ['min', 'max'] as const) {
    const v = bounds[key];
    if (v === undefined) continue;
    if (temporal !== (typeof v === 'string')) fail(ctx, [key], temporal ? `must be an ISO date for ${col.subtype}` : `must be a number for ${col.subtype}`);
    else if (col.subtype === 'int4range' && (!Number.isInteger(v) || (v as number) < INT32_MIN || (v as number) > INT32_MAX)) fail(ctx, [key], `must be an integer in [${INT32_MIN}, ${INT32_MAX}] for int4range`);
    else if (col.subtype === 'int8range' && !Number.isSafeInteger(v)) fail(ctx, [key], 'must be a safe integer for int8range');
  }
  if (!temporal && (col.from !== undefined || col.to !== undefined)) fail(ctx, [col.from !== undefined ? 'from' : 'to'], `${col.subtype} takes numeric min/max, not from/to`);
  if (temporal && typeof bounds.min === 'string' && typeof bounds.max === 'string' && parseIsoInstant(bounds.min) >= parseIsoInstant(bounds.max)) {
    fail(ctx, ['min'], `min (${bounds.min}) must be before max (${bounds.max})`);
  }
  if (!temporal && typeof bounds.min === 'number' && typeof bounds.max === 'number' && bounds.min === bounds.max) fail(ctx, ['max'], 'must be greater than min (a range needs room)');
}

function checkWeights(col: ColumnSpec, ctx: Ctx): void {
  const weights = col.weights ?? [];
  const expected = col.type === 'enum' ? (col.values?.length ?? 0) : 2;
  if (weights.length !== expected) return fail(ctx, ['weights'], `must be an array of ${expected} numbers (one per value)`);
  if (weights.reduce((a, b) => a + b, 0) <= 0) fail(ctx, ['weights'], 'must not all be 0');
}
