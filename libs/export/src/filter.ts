import { rejectUnknownKeys, ValidationError } from '@rowflow/contracts';
import { quoteIdent } from '@rowflow/schema';
import { joinParts, type Literal, sql, type SqlPart, val } from './sql-text.js';

/**
 * The export filter grammar (JSON, never SQL):
 *   {"and": [F, …]} | {"or": [F, …]} | {"not": F}
 *   | {"col": "<column>", "op": "=" | "!=" | "<" | "<=" | ">" | ">=" | "like" | "not like", "value": <literal>}
 *   | {"col": "<column>", "op": "in" | "not in", "value": [<literal>, …]}
 *   | {"col": "<column>", "op": "is null" | "is not null"}
 * A literal is a string, a finite number or a boolean. Columns must exist in the exported table.
 */
export type Filter =
  | { and: Filter[] }
  | { or: Filter[] }
  | { not: Filter }
  | { col: string; op: CompareOp; value: Literal }
  | { col: string; op: ListOp; value: Literal[] }
  | { col: string; op: NullOp };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'like' | 'not like';
export type ListOp = 'in' | 'not in';
export type NullOp = 'is null' | 'is not null';

const COMPARE: readonly CompareOp[] = ['=', '!=', '<', '<=', '>', '>=', 'like', 'not like'];
const LIST: readonly ListOp[] = ['in', 'not in'];
const NULLS: readonly NullOp[] = ['is null', 'is not null'];
const SQL_OP: Record<CompareOp | ListOp, string> = {
  '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=', like: 'LIKE', 'not like': 'NOT LIKE', in: 'IN', 'not in': 'NOT IN',
};

/** Bounds keep a hostile filter from costing the server more than a small query. */
export const FILTER_LIMITS = { depth: 12, nodes: 256, listValues: 1000, stringBytes: 10_000 };

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class FilterParser {
  private nodes = 0;

  parse(raw: unknown, path: string, depth: number): Filter {
    if (++this.nodes > FILTER_LIMITS.nodes) throw new ValidationError(path, `filter has more than ${FILTER_LIMITS.nodes} nodes`);
    if (depth > FILTER_LIMITS.depth) throw new ValidationError(path, `filter nests deeper than ${FILTER_LIMITS.depth}`);
    if (!isObject(raw)) throw new ValidationError(path, 'must be an object: {and|or: [...]}, {not: …} or {col, op, value}');
    if ('and' in raw || 'or' in raw) return this.group(raw, path, depth);
    if ('not' in raw) {
      rejectUnknownKeys(raw, ['not'], path);
      return { not: this.parse(raw.not, `${path}.not`, depth + 1) };
    }
    return this.condition(raw, path);
  }

  private group(raw: Raw, path: string, depth: number): Filter {
    const key = 'and' in raw ? 'and' : 'or';
    rejectUnknownKeys(raw, [key], path);
    const list = raw[key];
    if (!Array.isArray(list) || list.length === 0) throw new ValidationError(`${path}.${key}`, 'must be a non-empty array of filters');
    const items = list.map((f, i) => this.parse(f, `${path}.${key}[${i}]`, depth + 1));
    return key === 'and' ? { and: items } : { or: items };
  }

  private condition(raw: Raw, path: string): Filter {
    rejectUnknownKeys(raw, ['col', 'op', 'value'], path);
    if (typeof raw.col !== 'string' || raw.col === '') throw new ValidationError(`${path}.col`, 'is required (a column name)');
    const col = raw.col;
    const op = typeof raw.op === 'string' ? raw.op.toLowerCase().replace(/\s+/g, ' ').trim() : raw.op;
    if ((NULLS as readonly unknown[]).includes(op)) {
      if (raw.value !== undefined) throw new ValidationError(`${path}.value`, `is not allowed with "${String(op)}"`);
      return { col, op: op as NullOp };
    }
    if ((LIST as readonly unknown[]).includes(op)) return { col, op: op as ListOp, value: this.list(raw.value, `${path}.value`) };
    if ((COMPARE as readonly unknown[]).includes(op)) {
      const value = literal(raw.value, `${path}.value`);
      if ((op === 'like' || op === 'not like') && typeof value !== 'string') throw new ValidationError(`${path}.value`, 'must be a string pattern for like');
      return { col, op: op as CompareOp, value };
    }
    throw new ValidationError(`${path}.op`, `must be one of ${[...COMPARE, ...LIST, ...NULLS].join(', ')}; got ${JSON.stringify(raw.op)}`);
  }

  private list(raw: unknown, path: string): Literal[] {
    if (!Array.isArray(raw) || raw.length === 0) throw new ValidationError(path, 'must be a non-empty array of literals');
    if (raw.length > FILTER_LIMITS.listValues) throw new ValidationError(path, `must have at most ${FILTER_LIMITS.listValues} values`);
    return raw.map((v, i) => literal(v, `${path}[${i}]`));
  }
}

function literal(v: unknown, path: string): Literal {
  if (v === null || v === undefined) throw new ValidationError(path, 'is required (for NULL use op "is null")');
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ValidationError(path, 'must be a finite number');
    return v;
  }
  if (typeof v === 'string') {
    if (v.includes('\u0000')) throw new ValidationError(path, 'must not contain NUL');
    if (Buffer.byteLength(v) > FILTER_LIMITS.stringBytes) throw new ValidationError(path, `must be at most ${FILTER_LIMITS.stringBytes} bytes`);
    return v;
  }
  throw new ValidationError(path, `must be a string, number or boolean; got ${JSON.stringify(v)}`);
}

/**
 * Parses a filter from JSON (an object, or a JSON string as the CLI passes it). Throws
 * ValidationError naming the exact field, e.g. `where.and[1].op`.
 */
export function parseFilter(raw: unknown, field = 'where'): Filter {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ValidationError(field, 'must be JSON, e.g. {"col": "id", "op": ">", "value": 10}');
    }
  }
  return new FilterParser().parse(value, field, 0);
}

/**
 * Compiles a parsed filter to SQL parts: column names checked against `columns` (the table's
 * real columns) and quoted; values kept as values (see SqlPart). Throws ValidationError naming
 * the field of an unknown column.
 */
export function compileFilter(filter: Filter, columns: readonly string[], field = 'where'): SqlPart[] {
  if ('and' in filter || 'or' in filter) {
    const [key, items] = 'and' in filter ? ['and', filter.and] : ['or', filter.or];
    const parts = items.map((f, i) => [sql('('), ...compileFilter(f, columns, `${field}.${key}[${i}]`), sql(')')]);
    return joinParts(parts, key === 'and' ? ' AND ' : ' OR ');
  }
  if ('not' in filter) return [sql('NOT ('), ...compileFilter(filter.not, columns, `${field}.not`), sql(')')];
  if (!columns.includes(filter.col)) {
    throw new ValidationError(`${field}.col`, `unknown column ${JSON.stringify(filter.col)} (columns: ${columns.join(', ')})`);
  }
  const col = sql(quoteIdent(filter.col));
  if (filter.op === 'is null' || filter.op === 'is not null') return [col, sql(` ${filter.op.toUpperCase()}`)];
  if (filter.op === 'in' || filter.op === 'not in') {
    return [col, sql(` ${SQL_OP[filter.op]} (`), ...joinParts(filter.value.map((v) => [val(v)]), ', '), sql(')')];
  }
  const cmp = filter as { op: CompareOp; value: Literal };
  return [col, sql(` ${SQL_OP[cmp.op]} `), val(cmp.value)];
}
