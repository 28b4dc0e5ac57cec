/** What a simple CHECK says about one column. */
export type CheckFact =
  | { column: string; kind: 'bound'; op: '>' | '>=' | '<' | '<='; value: number }
  | { column: string; kind: 'in'; values: string[] };

const IDENT = String.raw`"?([A-Za-z_][A-Za-z0-9_$]*)"?`;
const CAST = String.raw`(?:::[\w\s"]+(?:\[\])?)?`;
const NUMBER = String.raw`\(?'?(-?\d+(?:\.\d+)?)'?\)?`;
const BOUND = new RegExp(String.raw`^\(*${IDENT}\)?${CAST}\s*(>=|<=|>|<|=)\s*${NUMBER}${CAST}\)*$`);
const IN_LIST = new RegExp(String.raw`^\(*${IDENT}\)?${CAST}\s*=\s*ANY\s*\(+\s*ARRAY\[(.*)\]\)?${CAST}\)*$`);
const LITERAL = /'((?:[^']|'')*)'/g;

/** Splits `a AND b AND (c)` at top-level ANDs (parentheses and quotes respected). */
function conjuncts(expr: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (ch === "'") quoted = !quoted;
    if (quoted) continue;
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && expr.startsWith(' AND ', i)) {
      out.push(expr.slice(start, i));
      start = i + 5;
    }
  }
  out.push(expr.slice(start));
  return out.map((s) => s.trim());
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

function fact(part: string): CheckFact | null {
  const bound = BOUND.exec(part);
  if (bound) {
    const [, column, op, value] = bound;
    if (op === '=') return null;
    return { column: column as string, kind: 'bound', op: op as '>' | '>=' | '<' | '<=', value: Number(value) };
  }
  const list = IN_LIST.exec(part);
  if (list) {
    const values = [...(list[2] ?? '').matchAll(LITERAL)].map((m) => (m[1] ?? '').replace(/''/g, "'"));
    return values.length ? { column: list[1] as string, kind: 'in', values } : null;
  }
  return null;
}

/**
 * Facts of a simple CHECK (`pg_get_constraintdef` text): comparisons of a column with a number
 * (`x > 0`, `x BETWEEN a AND b` — shown by PostgreSQL as `x >= a AND x <= b`) and `x IN (…)` of
 * literals (`x = ANY (ARRAY[…])`). Null when any part is something else (cross-column, functions …).
 */
export function parseCheck(definition: string): CheckFact[] | null {
  const m = /^CHECK\s*\((.*)\)(\s+NOT VALID)?$/s.exec(definition.trim());
  if (!m) return null;
  const facts: CheckFact[] = [];
  for (const part of conjuncts(unwrap(m[1] ?? ''))) {
    const f = fact(unwrap(part));
    if (!f) return null;
    facts.push(f);
  }
  return facts;
}
