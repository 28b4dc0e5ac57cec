import type { ColumnProfileSpec, ColumnSpec, ColumnType } from '@rowflow/contracts';
import { z } from 'zod';
import { parseIsoInstant } from './iso-instant.js';
import { strictObject } from './zod-issues.js';

/** pg_stats keeps at most 10,000 entries per list (`default_statistics_target` ≤ 10000). */
const MAX_PROFILE_ENTRIES = 10_001;

/** Text modes whose values are free text, which a profile's lengths may cut or extend. */
export const FREE_TEXT_MODES: readonly string[] = ['words', 'sentence', 'paragraph'];
/** Types whose histogram bounds are numbers. */
const NUMERIC: readonly ColumnType[] = ['int', 'bigint', 'decimal'];
/** Types whose histogram bounds are ISO dates or timestamps. */
const TEMPORAL: readonly ColumnType[] = ['date', 'timestamp', 'timestamptz'];

const literal = z.string({ error: 'must be a string' }).refine((v) => !v.includes('\u0000'), { error: 'must not contain NUL (\\u0000)' });
const list = (what: string) => z.array(literal, { error: `must be an array of strings (${what})` }).max(MAX_PROFILE_ENTRIES, { error: `at most ${MAX_PROFILE_ENTRIES} entries` });

/** `profile`: a distribution read from database statistics (see ColumnProfileSpec). */
export const profileSchema = strictObject(
  {
    values: list('literal values').min(1, { error: 'must not be empty' }).optional(),
    weights: z.array(z.number({ error: 'must be a number in [0, 1]' }).min(0, { error: 'must be a number in [0, 1]' }).max(1, { error: 'must be a number in [0, 1]' }), { error: 'must be an array of numbers (one per value)' }).optional(),
    histogram: list('ascending bounds').min(2, { error: 'needs at least 2 bounds' }).optional(),
    discrete: z.boolean({ error: 'must be true or false' }).optional(),
    distinct: z.number({ error: 'must be a number >= -1' }).min(-1, { error: 'must be a number >= -1' }).optional(),
    correlation: z.number({ error: 'must be a number in [-1, 1]' }).min(-1, { error: 'must be a number in [-1, 1]' }).max(1, { error: 'must be a number in [-1, 1]' }).optional(),
    lengths: z
      .array(z.number({ error: 'must be an integer >= 0' }).int({ error: 'must be an integer >= 0' }).min(0, { error: 'must be an integer >= 0' }), { error: 'must be an array of lengths (integers >= 0)' })
      .min(1, { error: 'must not be empty' })
      .max(MAX_PROFILE_ENTRIES, { error: `at most ${MAX_PROFILE_ENTRIES} entries` })
      .optional(),
    width: z.number({ error: 'must be a number > 0' }).positive({ error: 'must be a number > 0' }).optional(),
  },
  'profile',
  'must be an object {values?, weights?, histogram?, discrete?, distinct?, correlation?, lengths?, width?}',
);

type Fail = (path: (string | number)[], message: string) => void;

/** A literal of the column's type as a number (numbers, or epoch ms of dates), NaN if it is none. */
export function profileNumber(type: ColumnType, text: string): number {
  if (NUMERIC.includes(type)) return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (TEMPORAL.includes(type)) return parseIsoInstant(text);
  return NaN;
}

/** Rules across a profile and its column: lengths, sums, types of literals, ascending bounds. */
export function checkProfileRules(col: ColumnSpec, fail: Fail): void {
  const p: ColumnProfileSpec | undefined = col.profile;
  if (!p) return;
  const drawsValues = p.values !== undefined || p.histogram !== undefined;
  if (drawsValues && (col.unique || col.primaryKey || col.type === 'serial')) {
    return fail(['profile'], 'values and histogram are not allowed on key or serial columns (their values are generated unique); only distinct and correlation are');
  }
  // A foreign key's values are its most common parents' keys (with their shares), never a histogram.
  if (col.type === 'foreignKey' && p.histogram !== undefined) return fail(['profile', 'histogram'], 'is not allowed on a foreign key (its values come from the parent); values and weights name its most common parents');
  if (p.weights && p.weights.length !== (p.values?.length ?? 0)) fail(['profile', 'weights'], 'must have one weight per value');
  if (p.weights && p.weights.reduce((a, b) => a + b, 0) > 1 + 1e-6) fail(['profile', 'weights'], 'must sum to at most 1 (the share of non-NULL rows the values cover)');
  if (p.values && (NUMERIC.includes(col.type) || TEMPORAL.includes(col.type))) {
    const bad = p.values.findIndex((v) => Number.isNaN(profileNumber(col.type, v)));
    if (bad >= 0) fail(['profile', 'values', bad], `"${p.values[bad]}" is not a ${col.type} value`);
  }
  if (p.histogram) checkHistogram(col.type, p.histogram, fail);
  if (p.discrete && !p.histogram) fail(['profile', 'discrete'], 'needs a histogram (its bounds are the values drawn)');
  if (p.lengths) checkLengths(col, p.lengths, fail);
}

/** Lengths shape free text only: other text generators have their own lengths (a name, an email). */
function checkLengths(col: ColumnSpec, lengths: number[], fail: Fail): void {
  if (col.type !== 'text' || !FREE_TEXT_MODES.includes(col.mode ?? 'words')) {
    return fail(['profile', 'lengths'], `only text columns in ${FREE_TEXT_MODES.join('/')} mode take lengths`);
  }
  const bad = lengths.findIndex((n, i) => i > 0 && n < (lengths[i - 1] as number));
  if (bad >= 0) fail(['profile', 'lengths', bad], 'must be ascending');
}

function checkHistogram(type: ColumnType, bounds: string[], fail: Fail): void {
  if (!NUMERIC.includes(type) && !TEMPORAL.includes(type)) return fail(['profile', 'histogram'], `only int, bigint, decimal, date and timestamp columns take a histogram, not ${type}`);
  const nums = bounds.map((b) => profileNumber(type, b));
  const bad = nums.findIndex((n, i) => Number.isNaN(n) || (i > 0 && n < (nums[i - 1] as number)));
  if (bad >= 0) fail(['profile', 'histogram', bad], `"${bounds[bad]}" is not an ascending ${type} bound`);
}
