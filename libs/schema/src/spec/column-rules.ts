import type { ColumnSpec } from '@rowflow/contracts';
import type { z } from 'zod';
import { decimalBounds } from '../column-types.js';
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
  if (col.min !== undefined && col.max !== undefined && col.min > col.max) fail(ctx, ['min'], `min (${col.min}) is greater than max (${col.max})`);
  if (col.type === 'decimal') checkDecimal(col, ctx);
  if (col.type === 'enum' && !col.values) fail(ctx, ['values'], 'enum needs 1..10000 values');
  if (col.mode === 'block' && col.blockSize === undefined) fail(ctx, ['blockSize'], 'required for int mode "block"');
  if (col.mode === 'sequence' && col.type === 'int' && col.distribution) fail(ctx, ['distribution'], 'a sequence has no distribution');
  if (col.weights) checkWeights(col, ctx);
  if (col.from !== undefined && col.to !== undefined && parseIsoInstant(col.from) > parseIsoInstant(col.to)) {
    fail(ctx, ['from'], `from (${col.from}) is after to (${col.to})`);
  }
  checkEventTimeRules(col, ctx);
  checkProfileRules(col, (path, message) => fail(ctx, path, message));
}

function checkDecimal(col: ColumnSpec, ctx: Ctx): void {
  const precision = col.precision ?? 10;
  const scale = col.scale ?? Math.min(2, precision);
  if (scale > precision) return fail(ctx, ['scale'], `must be an integer in [0, precision=${precision}]`);
  if (scale > 15) return fail(ctx, ['scale'], 'at most 15 digits after the point');
  const limit = 10 ** (precision - scale);
  for (const key of ['min', 'max'] as const) {
    const v = col[key];
    if (v !== undefined && Math.abs(v) >= limit) return fail(ctx, [key], `${v} does not fit numeric(${precision},${scale}) (|value| < ${limit})`);
  }
  const { min, max } = decimalBounds(col);
  if ((max - min) * 10 ** scale > Number.MAX_SAFE_INTEGER) fail(ctx, ['max'], 'range × 10^scale exceeds 2^53; narrow the range or the scale');
}

function checkWeights(col: ColumnSpec, ctx: Ctx): void {
  const weights = col.weights ?? [];
  const expected = col.type === 'enum' ? (col.values?.length ?? 0) : 2;
  if (weights.length !== expected) return fail(ctx, ['weights'], `must be an array of ${expected} numbers (one per value)`);
  if (weights.reduce((a, b) => a + b, 0) <= 0) fail(ctx, ['weights'], 'must not all be 0');
}
