import { ValidationError } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { compileFilter, parseFilter } from './filter.js';
import { toInline, toParameterised } from './sql-text.js';

const COLS = ['id', 'name', 'odd"col', 'a$1'];

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.field;
    throw err;
  }
  return undefined;
}

describe('export filter grammar', () => {
  it('compiles and/or/not, in, like and null tests to parameterised SQL with quoted identifiers', () => {
    const f = parseFilter({ and: [{ col: 'id', op: '>', value: 10 }, { or: [{ col: 'name', op: 'in', value: ['a', 'b'] }, { not: { col: 'odd"col', op: 'IS  NULL' } }] }] });
    const q = toParameterised(compileFilter(f, COLS));
    expect(q.text).toBe('("id" > $1) AND (("name" IN ($2, $3)) OR (NOT ("odd""col" IS NULL)))');
    expect(q.values).toEqual(['10', 'a', 'b']);
  });

  it('renders values for COPY only through escapeLiteral; a "$1" inside an identifier is not a placeholder', () => {
    const f = parseFilter({ and: [{ col: 'a$1', op: '=', value: "x'); DROP TABLE t; --" }, { col: 'name', op: 'like', value: 'a\\%' }] });
    expect(toInline(compileFilter(f, COLS))).toBe(`("a$1" = 'x''); DROP TABLE t; --') AND ("name" LIKE  E'a\\\\%')`);
  });

  it.each([
    [{ col: 'nope', op: '=', value: 1 }, 'where.col'],
    [{ and: [{ col: 'id', op: '=', value: 1 }, { col: 'id;--', op: '=', value: 1 }] }, 'where.and[1].col'],
    [{ col: 'id', op: 'between', value: 1 }, 'where.op'],
    [{ col: 'id', op: '=', value: null }, 'where.value'],
    [{ col: 'id', op: '=', value: [1] }, 'where.value'],
    [{ col: 'id', op: 'in', value: [] }, 'where.value'],
    [{ col: 'id', op: 'is null', value: 1 }, 'where.value'],
    [{ col: 'id', op: '=', value: Number.NaN }, 'where.value'],
    [{ col: 'id', op: 'like', value: 3 }, 'where.value'],
    [{ col: 'id', op: '=', value: 1, extra: 1 }, 'where.extra'],
    [{ and: {} }, 'where.and'],
    [{ nand: [] }, 'where.nand'],
    ['{"col":', 'where'],
    [[1], 'where'],
  ])('%j is refused naming %s', (raw, field) => {
    expect(fieldOf(() => compileFilter(parseFilter(raw), COLS))).toBe(field);
  });

  it('bounds depth and size', () => {
    let deep: unknown = { col: 'id', op: '=', value: 1 };
    for (let i = 0; i < 20; i++) deep = { not: deep };
    expect(fieldOf(() => parseFilter(deep))).toMatch(/^where(\.not)+$/);
    expect(fieldOf(() => parseFilter({ col: 'id', op: 'in', value: Array.from({ length: 1001 }, (_, i) => i) }))).toBe('where.value');
  });
});
