/** What a simple CHECK says about one or more columns. */
export type CheckFact =
  | { column: string; kind: 'bound'; op: '>' | '>=' | '<' | '<='; value: number }
  | { column: string; kind: 'in'; values: string[] }
  /** `char_length(x) <= n` / `length(x) < n` (`exact`: `= n`). */
  | { column: string; kind: 'length'; max: number; exact?: boolean }
  /** `a < b` across columns of one row (`orEqual`: `<=`); `column` is the later one. */
  | { column: string; kind: 'after'; other: string; orEqual: boolean }
  /** `num_nonnulls(a, b) = 1` or an XOR of `IS NULL`s: at most (`required`: exactly) one member is non-NULL. */
  | { column: string; kind: 'exclusive'; columns: string[]; required: boolean }
  /** `x ~ '^…$'`: an anchored regular expression. */
  | { column: string; kind: 'pattern'; pattern: string }
  /** `<anything> OR (a IS NOT NULL AND b IS NOT NULL)`: never NULL, the CHECK passes whatever the rest says. */
  | { column: string; kind: 'notNull' }
  /**
   * A date/timestamp compared with a literal (`at`: its ISO text) or with the load time
   * (`now()`, `CURRENT_DATE` …, `shift`: the interval added to it, in months and milliseconds).
   */
  | { column: string; kind: 'instant'; op: '>' | '>=' | '<' | '<='; at?: string; shift?: { months: number; ms: number } }
  /** `x IS NULL` / `x IS NOT NULL` inside one branch of a disjunction the generator follows. */
  | { column: string; kind: 'null'; isNull: boolean };

const IDENT = String.raw`"?([A-Za-z_][A-Za-z0-9_$]*)"?`;
const CAST = String.raw`(?:::[\w\s"]+(?:\([\d,\s]+\))?(?:\[\])?)?`;
const COL = String.raw`\(*${IDENT}\)?${CAST}\)*`;
const NUMBER = String.raw`\(*'?(-?\d+(?:\.\d+)?)'?\)?${CAST}\)*`;
const BOUND = new RegExp(String.raw`^${COL}\s*(>=|<=|>|<|=)\s*${NUMBER}$`);
const FLIPPED = new RegExp(String.raw`^${NUMBER}\s*(>=|<=|>|<)\s*${COL}$`);
const IN_LIST = new RegExp(String.raw`^${COL}\s*=\s*ANY\s*\(+\s*ARRAY\[(.*)\]\)?${CAST}\)*$`);
const FOLDED_IN_LIST = new RegExp(String.raw`^\(*(upper|lower)\(${COL}\)\s*=\s*ANY\s*\(+\s*ARRAY\[(.*)\]\)?${CAST}\)*$`);
const LENGTH = new RegExp(String.raw`^\(*(?:char_length|character_length|length)\(${COL}\)\s*(>=|<=|>|<|=)\s*${NUMBER}$`);
const COMPARE = new RegExp(String.raw`^${COL}\s*(<=|<|>=|>)\s*${COL}$`);
const NONNULLS = new RegExp(String.raw`^\(*num_nonnulls\((.*)\)\s*(=|<=)\s*1$`);
const IS_NULL = new RegExp(String.raw`^${COL}\s+IS\s+(NOT\s+)?NULL$`);
// `(a IS NULL) <> (b IS NULL)` and `(a IS NOT NULL) <> (b IS NOT NULL)` say the same (the same test on both sides).
const XOR = new RegExp(String.raw`^\(${COL}\s+IS\s+(NOT\s+)?NULL\)\s*<>\s*\(${COL}\s+IS\s+(NOT\s+)?NULL\)$`);
const REGEX = new RegExp(String.raw`^${COL}\s*~\s*'((?:[^']|'')*)'${CAST}$`);
const FLIP: Record<string, '>' | '>=' | '<' | '<='> = { '>': '<', '>=': '<=', '<': '>', '<=': '>=' };
const INSTANT_LITERAL = /^\(*'(\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)?)([+-]\d{2}(?::?\d{2})?|Z)?'::(?:date|timestamp(?: with(?:out)? time zone)?)\)*$/;
const NOW = /^\(*(?:now\(\)|CURRENT_DATE|CURRENT_TIMESTAMP|LOCALTIMESTAMP|statement_timestamp\(\)|transaction_timestamp\(\))\)*(?:\s*([+-])\s*\(*'([^']*)'::interval\)*)?\)*$/;
const INSTANT_COMPARE = new RegExp(String.raw`^${COL}\s*(>=|<=|>|<)\s*(.+)$`);
const INTERVAL_UNITS: Record<string, { months?: number; ms?: number }> = {
  year: { months: 12 }, mon: { months: 1 }, month: { months: 1 }, week: { ms: 7 * 86_400_000 }, day: { ms: 86_400_000 },
  hour: { ms: 3_600_000 }, min: { ms: 60_000 }, minute: { ms: 60_000 }, sec: { ms: 1000 }, second: { ms: 1000 },
};

/** Splits at a top-level keyword (` AND ` / ` OR `); parentheses and quotes respected. */
function splitTop(expr: string, word: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (ch === "'") quoted = !quoted;
    if (quoted) continue;
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (depth === 0 && expr.startsWith(word, i)) {
      out.push(expr.slice(start, i));
      start = i + word.length;
    }
  }
  out.push(expr.slice(start));
  return out.map((s) => unwrap(s));
}

/** Removes parentheses that wrap the whole expression. */
function unwrap(expr: string): string {
  let s = expr.trim();
  while (s.startsWith('(') && s.endsWith(')') && closes(s)) s = s.slice(1, -1).trim();
  return s;
}

function closes(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    if (depth === 0 && i < s.length - 1) return false;
  }
  return true;
}

/** Elements of `ARRAY[…]`: quoted literals or numbers, casts and parentheses stripped. */
function listValues(inner: string): string[] | null {
  const values: string[] = [];
  for (const raw of splitTop(inner, ',')) {
    const quoted = /^\(*'((?:[^']|'')*)'/.exec(raw);
    if (quoted) values.push((quoted[1] ?? '').replace(/''/g, "'"));
    else {
      const num = /^\(*(-?\d+(?:\.\d+)?)\)?/.exec(raw);
      if (!num) return null;
      values.push(num[1] as string);
    }
  }
  return values.length ? values : null;
}

function boundFact(part: string): CheckFact | null {
  const bound = BOUND.exec(part);
  if (bound) {
    const [, column, op, value] = bound;
    return op === '=' ? { column: column as string, kind: 'in', values: [value as string] } : { column: column as string, kind: 'bound', op: op as '>', value: Number(value) };
  }
  const flipped = FLIPPED.exec(part);
  if (flipped) return { column: flipped[3] as string, kind: 'bound', op: FLIP[flipped[2] as string] as '>', value: Number(flipped[1]) };
  return null;
}

function lengthFact(part: string): CheckFact | null {
  const m = LENGTH.exec(part);
  if (!m) return null;
  const [, column, op, value] = m;
  const n = Number(value);
  if (op === '<=' || op === '<') return { column: column as string, kind: 'length', max: op === '<' ? n - 1 : n };
  if (op === '=') return { column: column as string, kind: 'length', max: n, exact: true };
  // `> 0` / `>= 1`: every generator writes non-empty text already.
  return (op === '>' && n <= 0) || (op === '>=' && n <= 1) ? { column: column as string, kind: 'length', max: Infinity } : null;
}

function compareFact(part: string): CheckFact | null {
  const m = COMPARE.exec(part);
  if (!m) return null;
  const [, left, op, right] = m as unknown as [string, string, string, string];
  // Normalised to "later after earlier": a < b → b after a; a > b → a after b.
  const later = op.startsWith('<') ? right : left;
  const earlier = op.startsWith('<') ? left : right;
  return { column: later, kind: 'after', other: earlier, orEqual: op.endsWith('=') };
}

function exclusiveFact(part: string): CheckFact | null {
  const nn = NONNULLS.exec(part);
  if (nn) {
    const columns = splitTop(nn[1] ?? '', ',').map((c) => new RegExp(`^${COL}$`).exec(c)?.[1]);
    if (columns.some((c) => c === undefined) || columns.length < 2) return null;
    return { column: columns[0] as string, kind: 'exclusive', columns: columns as string[], required: nn[2] === '=' };
  }
  const xor = XOR.exec(part);
  if (xor && xor[2] === xor[4]) return { column: xor[1] as string, kind: 'exclusive', columns: [xor[1] as string, xor[3] as string], required: true };
  return null;
}

function patternFact(part: string): CheckFact | null {
  const m = REGEX.exec(part);
  if (!m) return null;
  const pattern = (m[2] ?? '').replace(/''/g, "'");
  return pattern.startsWith('^') && pattern.endsWith('$') ? { column: m[1] as string, kind: 'pattern', pattern } : null;
}

function inListFact(part: string): CheckFact | null {
  const list = IN_LIST.exec(part);
  const values = list && listValues(list[2] ?? '');
  return values ? { column: list[1] as string, kind: 'in', values } : null;
}

/**
 * `upper(x) IN ('SC', 'VC')` (a case-insensitive code): generating the listed values that are
 * already in that case satisfies it (upper('SC') is 'SC'); a value in the other case never could.
 */
function foldedInListFact(part: string): CheckFact | null {
  const m = FOLDED_IN_LIST.exec(part);
  const fold = m?.[1] === 'upper' ? (v: string) => v.toUpperCase() : (v: string) => v.toLowerCase();
  const values = m && listValues(m[3] ?? '')?.filter((v) => fold(v) === v);
  return m && values?.length ? { column: m[2] as string, kind: 'in', values } : null;
}

/** `'18 years'`, `'1 day'`, `'1 year 2 mons'` (an interval's text as PostgreSQL prints it); null for other forms. */
function intervalShift(text: string): { months: number; ms: number } | null {
  const shift = { months: 0, ms: 0 };
  const parts = text.trim().split(/\s+/);
  if (parts.length % 2 !== 0) return null;
  for (let i = 0; i < parts.length; i += 2) {
    const n = Number(parts[i]);
    const unit = INTERVAL_UNITS[(parts[i + 1] ?? '').toLowerCase().replace(/s$/, '')];
    if (!Number.isFinite(n) || !unit) return null;
    shift.months += n * (unit.months ?? 0);
    shift.ms += n * (unit.ms ?? 0);
  }
  return shift;
}

/** `x <= (now() - '18 years'::interval)`, `x >= '1930-01-01'::date`. */
function instantFact(part: string): CheckFact | null {
  const m = INSTANT_COMPARE.exec(part);
  if (!m) return null;
  const [, column, op, right] = m as unknown as [string, string, '>', string];
  const literal = INSTANT_LITERAL.exec(right.trim());
  // The zone PostgreSQL prints a timestamptz with (`+00`, `+05:30`) is kept, as ISO writes it.
  const zone = literal?.[2] === undefined ? '' : /^[+-]\d{2}$/.test(literal[2]) ? `${literal[2]}:00` : literal[2];
  if (literal) return { column, kind: 'instant', op, at: (literal[1] as string).replace(' ', 'T') + zone };
  const now = NOW.exec(right.trim());
  if (!now) return null;
  const shift = now[2] === undefined ? { months: 0, ms: 0 } : intervalShift(now[2]);
  if (!shift) return null;
  const sign = now[1] === '-' ? -1 : 1;
  // `+ 0`: no negative zero when the interval has no months (or no milliseconds).
  return { column, kind: 'instant', op, shift: { months: sign * shift.months + 0, ms: sign * shift.ms + 0 } };
}

function fact(part: string): CheckFact | null {
  return boundFact(part) ?? instantFact(part) ?? inListFact(part) ?? foldedInListFact(part) ?? lengthFact(part) ?? compareFact(part) ?? exclusiveFact(part) ?? patternFact(part);
}

/** Facts of one conjunct, which may be a disjunction: `x >= 0 OR x IS NULL`, or an XOR written out. */
function conjunctFacts(part: string): CheckFact[] | null {
  const alternatives = splitTop(part, ' OR ');
  if (alternatives.length === 1) {
    const f = fact(part);
    return f ? [f] : null;
  }
  return orNull(alternatives) ?? writtenXor(alternatives) ?? notNullBranch(alternatives) ?? oneBranch(alternatives);
}

/**
 * `kind <> 'legacy' OR (interval IS NOT NULL AND amount IS NOT NULL)`: one alternative only asks
 * for columns to be set, so those columns never NULL satisfy the CHECK, whatever the condition in
 * the others. Alternatives made of NULL tests only are the XOR forms above, not a condition.
 */
function notNullBranch(alternatives: string[]): CheckFact[] | null {
  const tests = alternatives.map((alt) => splitTop(alt, ' AND ').map((p) => IS_NULL.exec(p)));
  const setOnly = tests.find((t) => t.every((m) => m?.[2]));
  if (!setOnly || tests.some((t) => t !== setOnly && t.every((m) => m))) return null;
  return setOnly.map((m) => ({ column: m?.[1] as string, kind: 'notNull' as const }));
}

/**
 * `(p IS NULL AND level = 0) OR (p IS NOT NULL AND level >= 1)`: rows that all satisfy one
 * branch satisfy the CHECK. The branch that sets the fewest columns NULL is taken (the data
 * keeps its references); every branch must be understood, so nothing unknown is dropped.
 */
function oneBranch(alternatives: string[]): CheckFact[] | null {
  const branches = alternatives.map((alt) => {
    const facts: CheckFact[] = [];
    for (const part of splitTop(alt, ' AND ')) {
      const isNull = IS_NULL.exec(part);
      const f = isNull ? { column: isNull[1] as string, kind: 'null' as const, isNull: !isNull[2] } : fact(part);
      if (!f) return null;
      facts.push(f);
    }
    return facts;
  });
  if (branches.some((b) => b === null)) return null;
  const nulls = (b: CheckFact[]) => b.filter((f) => f.kind === 'null' && f.isNull).length;
  return (branches as CheckFact[][]).reduce((best, b) => (nulls(b) < nulls(best) ? b : best));
}

/**
 * `<facts about x> OR x IS NULL` (also `b >= a OR b IS NULL OR a IS NULL`): a comparison with a
 * NULL operand is NULL, which passes a CHECK anyway, so when every fact mentions each of those
 * columns the facts alone say the same, and apply to the values.
 */
function orNull(alternatives: string[]): CheckFact[] | null {
  const isNull = (a: string) => {
    const m = IS_NULL.exec(a);
    return m && !m[2] ? (m[1] as string) : undefined;
  };
  const nulls = alternatives.map(isNull).filter((c): c is string => c !== undefined);
  const rest = alternatives.filter((a) => isNull(a) === undefined);
  if (nulls.length === 0 || rest.length !== 1) return null;
  const facts = parseConjunction(rest[0] as string);
  // num_nonnulls() is not NULL for a NULL member: an exclusive fact never counts as mentioning one.
  const mentions = (f: CheckFact, column: string) => f.kind !== 'exclusive' && (f.column === column || (f.kind === 'after' && f.other === column));
  return facts && nulls.every((n) => facts.every((f) => mentions(f, n))) ? facts : null;
}

/** `(a IS NOT NULL AND b IS NULL) OR (a IS NULL AND b IS NOT NULL)`: exactly one of a, b. */
function writtenXor(alternatives: string[]): CheckFact[] | null {
  const sets = alternatives.map((alt) => splitTop(alt, ' AND ').map((p) => IS_NULL.exec(p)));
  if (sets.some((s) => s.some((m) => !m))) return null;
  const columns = (sets[0] ?? []).map((m) => m?.[1] as string).sort();
  const exactlyOne = sets.every((s) => s.length === columns.length && s.filter((m) => m?.[2]).length === 1 && s.map((m) => m?.[1] as string).sort().join() === columns.join());
  const chosen = new Set(sets.map((s) => s.find((m) => m?.[2])?.[1]));
  if (!exactlyOne || chosen.size !== columns.length || columns.length < 2) return null;
  return [{ column: columns[0] as string, kind: 'exclusive', columns, required: true }];
}

function parseConjunction(expr: string): CheckFact[] | null {
  const facts: CheckFact[] = [];
  for (const part of splitTop(unwrap(expr), ' AND ')) {
    const f = conjunctFacts(part);
    if (!f) return null;
    facts.push(...f);
  }
  return facts;
}

/**
 * Facts of a CHECK (`pg_get_constraintdef` text): comparisons of a column with a number
 * (`x > 0`, `BETWEEN` — shown as `x >= a AND x <= b`), `x IN (…)` (`x = ANY (ARRAY[…])`),
 * `char_length(x) <= n`, `a < b` across columns, `num_nonnulls(a, b) = 1` and XORs of
 * `IS NULL`, anchored regexes, each optionally `OR x IS NULL`. Null when any part is something
 * else (functions, sub-expressions …).
 */
export function parseCheck(definition: string): CheckFact[] | null {
  const m = /^CHECK\s*\((.*)\)(\s+NOT VALID)?$/s.exec(definition.trim());
  if (!m) return null;
  return parseConjunction(m[1] ?? '');
}
