import pg from 'pg';

/** A literal value of the filter grammar (and of a key boundary, always text). */
export type Literal = string | number | boolean;

/**
 * SQL as a list of trusted text pieces and user values kept apart until the last moment, so the
 * same statement can be sent parameterised (`$1`, a real bind parameter) or rendered for COPY,
 * which takes no bind parameters. Values never pass through string concatenation with SQL text.
 */
export type SqlPart = { sql: string } | { value: Literal };

export const sql = (text: string): SqlPart => ({ sql: text });
export const val = (value: Literal): SqlPart => ({ value });

/** `{text: "… $1 …", values}` for `pool.query`: every value a bind parameter. */
export function toParameterised(parts: readonly SqlPart[]): { text: string; values: string[] } {
  const values: string[] = [];
  const text = parts.map((p) => ('sql' in p ? p.sql : `$${values.push(String(p.value))}`)).join('');
  return { text, values };
}

/**
 * SQL text with every value rendered by node-postgres's `escapeLiteral` (doubles quotes, and
 * backslashes inside an `E'…'` literal), for `COPY (SELECT …) TO STDOUT`. Every value becomes a
 * quoted literal of unknown type, which Postgres coerces to the compared column's type exactly
 * as it does for the untyped text bind parameters of `toParameterised`: both forms mean the same.
 */
export function toInline(parts: readonly SqlPart[]): string {
  return parts.map((p) => ('sql' in p ? p.sql : pg.escapeLiteral(String(p.value)))).join('');
}

/** Joins part lists with a separator. */
export function joinParts(lists: readonly SqlPart[][], sep: string): SqlPart[] {
  const out: SqlPart[] = [];
  lists.forEach((l, i) => {
    if (i) out.push(sql(sep));
    out.push(...l);
  });
  return out;
}
