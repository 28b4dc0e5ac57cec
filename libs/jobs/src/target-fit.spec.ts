import type { ColumnSpec } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { columnProblem, fitMismatches, type TableColumn, triggerFilledNotes, typnameOf } from './target-fit.js';

function col(base: string, extra: Partial<TableColumn> = {}): TableColumn {
  return { name: 'c', declared: base, base, typmod: -1, typtype: 'b', notNull: false, hasDefault: false, generated: false, identity: false, labels: null, ...extra };
}
const varchar = (n: number) => col('varchar', { typmod: n + 4, declared: `character varying(${n})` });
const numeric = (p: number, s: number) => col('numeric', { typmod: ((p << 16) | s) + 4, declared: `numeric(${p},${s})` });

describe('columnProblem: does every generated value load into the column?', () => {
  it.each<[string, ColumnSpec, number, TableColumn, RegExp | null]>([
    ['serial 1..1000 into integer', { name: 'c', type: 'serial' }, 1000, col('int4'), null],
    ['serial 1..40000 into smallint', { name: 'c', type: 'serial' }, 40_000, col('int2'), /1\.\.40000, beyond int2/],
    ['int sequence from 1 into smallint, 100 rows', { name: 'c', type: 'int', mode: 'sequence', min: 1 }, 100, col('int2'), null],
    ['bigint default range into integer', { name: 'c', type: 'bigint' }, 10, col('int4'), /beyond int4/],
    ['bigint 0..100 into integer', { name: 'c', type: 'bigint', min: 0, max: 100 }, 10, col('int4'), null],
    ['int into numeric(3,0) with values up to 1000000', { name: 'c', type: 'int' }, 10, numeric(3, 0), /beyond numeric\(3,0\)/],
    ['int into numeric', { name: 'c', type: 'int' }, 10, col('numeric'), null],
    ['int into text', { name: 'c', type: 'int' }, 10, col('text'), null],
    ['int into varchar(3)', { name: 'c', type: 'int' }, 10, varchar(3), /up to 7 characters/],
    ['int into boolean', { name: 'c', type: 'int' }, 10, col('bool'), /int values \(integer\) do not load into bool/],
    ['email into integer', { name: 'c', type: 'email' }, 10, col('int4'), /email values \(text\) do not load into int4/],
    ['email into varchar(50): length unknown, accepted', { name: 'c', type: 'email' }, 10, varchar(50), null],
    ['decimal(10,2) into numeric(12,2)', { name: 'c', type: 'decimal', precision: 10, scale: 2 }, 10, numeric(12, 2), null],
    ['decimal(10,2) into numeric(6,2)', { name: 'c', type: 'decimal', precision: 10, scale: 2 }, 10, numeric(6, 2), /overflow/],
    ['decimal(10,2) into numeric(10,1)', { name: 'c', type: 'decimal', precision: 10, scale: 2 }, 10, numeric(10, 1), /rounded/],
    ['uuid into uuid', { name: 'c', type: 'uuid' }, 10, col('uuid'), null],
    ['uuid into varchar(20)', { name: 'c', type: 'uuid' }, 10, varchar(20), /36 characters/],
    ['date into timestamptz', { name: 'c', type: 'date' }, 10, col('timestamptz'), null],
    ['timestamp into date', { name: 'c', type: 'timestamp' }, 10, col('date'), /do not load into date/],
    ['json into json', { name: 'c', type: 'json' }, 10, col('json'), null],
    ['char(84) into bpchar(84)', { name: 'c', type: 'char', length: 84 }, 10, col('bpchar', { typmod: 88 }), null],
    ['char(84) into bpchar(10)', { name: 'c', type: 'char', length: 84 }, 10, col('bpchar', { typmod: 14 }), /84 characters/],
    ['enum into an enum with all labels', { name: 'c', type: 'enum', values: ['a', 'b'] }, 10, col('mood', { typtype: 'e', labels: ['a', 'b', 'c'] }), null],
    ['enum into an enum missing a label', { name: 'c', type: 'enum', values: ['a', 'z'] }, 10, col('mood', { typtype: 'e', labels: ['a', 'b'] }), /no label "z"/],
    ['text into an enum', { name: 'c', type: 'city' }, 10, col('mood', { typtype: 'e', labels: ['a'] }), /city values do not load into enum/],
    ['anything into a generated column', { name: 'c', type: 'int' }, 10, col('int4', { generated: true }), /generated column/],
    ['decimal(6,2) into real: 6 significant digits, exact', { name: 'c', type: 'decimal', precision: 6, scale: 2 }, 10, col('float4', { declared: 'real' }), null],
    ['decimal(12,4) into real: would be rounded', { name: 'c', type: 'decimal', precision: 12, scale: 4 }, 10, col('float4', { declared: 'real' }), /rounded by real/],
    ['int 0..100 into real', { name: 'c', type: 'int', min: 0, max: 100 }, 10, col('float4', { declared: 'real' }), null],
    ['int default range into real: beyond 2^24', { name: 'c', type: 'int', min: 0, max: 2 ** 25 }, 10, col('float4', { declared: 'real' }), /beyond real/],
    ['int[] within smallint into smallint[]', { name: 'c', type: 'array', element: { type: 'int', min: 0, max: 32767 } }, 10, col('_int2', { declared: 'smallint[]' }), null],
    ['int[] beyond smallint into smallint[]', { name: 'c', type: 'array', element: { type: 'int', min: 0, max: 40000 } }, 10, col('_int2', { declared: 'smallint[]' }), /array elements: values reach 0\.\.40000, beyond smallint/],
    ['always-NULL text into a nullable column of a type without a generator', { name: 'c', type: 'text', nullRatio: 1 }, 10, col('cube'), null],
    ['always-NULL text into a NOT NULL column of a type without a generator', { name: 'c', type: 'text', nullRatio: 1 }, 10, col('cube', { notNull: true }), /do not load into cube/],
  ])('%s', (_name, spec, rows, target, expected) => {
    const problem = columnProblem(spec, rows, target);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});

describe('fitMismatches', () => {
  it('lists every problem: missing columns, bad types, and required columns the rows leave out', () => {
    const spec = { name: 't', columns: [{ name: 'id', type: 'serial' as const }, { name: 'email', type: 'email' as const }, { name: 'gone', type: 'int' as const }] };
    const table = [
      col('int8', { name: 'id' }),
      col('int4', { name: 'email' }),
      col('text', { name: 'note', notNull: true }),
      col('timestamptz', { name: 'at', notNull: true, hasDefault: true }),
      col('int8', { name: 'seq', notNull: true, identity: true }),
    ];
    expect(fitMismatches(spec, 5, table).map((m) => m.field)).toEqual(['targetTable.columns.email', 'targetTable.columns.gone', 'targetTable.columns.note']);
  });

  it('accepts a NOT NULL column the rows leave out only when an enabled BEFORE INSERT row trigger may fill it, and says so', () => {
    const spec = { name: 't', columns: [{ name: 'id', type: 'serial' as const }] };
    const table = (trigger: string | null) => [col('int8', { name: 'id', fillingTrigger: trigger }), col('tsvector', { name: 'search', notNull: true, fillingTrigger: trigger })];
    expect(fitMismatches(spec, 5, table(null)).map((m) => m.field)).toEqual(['targetTable.columns.search']);
    expect(triggerFilledNotes(spec, table(null))).toEqual([]);
    expect(fitMismatches(spec, 5, table('docs_search'))).toEqual([]);
    expect(triggerFilledNotes(spec, table('docs_search'))).toEqual([expect.stringMatching(/column search .*trigger docs_search \(BEFORE INSERT\) is expected to fill it/)]);
  });
});

describe('typnameOf: the pg_type name a generated type is compared by', () => {
  it.each([
    ['integer', 'int4'],
    ['integer[]', '_int4'],
    ['text[]', '_text'],
    ['numeric(10,2)', 'numeric'],
    ['char(2)', 'bpchar'],
    ['bytea', 'bytea'],
    ['time', 'time'],
    ['geometry(Point,4326)', 'geometry'],
    ['int4range', 'int4range'],
  ])('%s → %s', (sql, typname) => expect(typnameOf(sql)).toBe(typname));
});

describe('columnProblem with a value source (a foreign key copies its parent key)', () => {
  const fk: ColumnSpec = { name: 'c', type: 'foreignKey', references: { table: 'p', column: 'id' } };
  it('takes the parent key type and range', () => {
    expect(columnProblem(fk, 10, col('uuid'), { column: { name: 'id', type: 'uuid' }, rows: 5, keyOffset: 0 })).toBeNull();
    expect(columnProblem(fk, 10, col('int2'), { column: { name: 'id', type: 'serial' }, rows: 500, keyOffset: 0 })).toBeNull();
    expect(columnProblem(fk, 10, col('int2'), { column: { name: 'id', type: 'serial' }, rows: 500, keyOffset: 40_000 })).toMatch(/40001\.\.40500, beyond int2/);
  });
});
