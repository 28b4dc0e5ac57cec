import { ValidationError } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { pgType } from '../pg-type.js';
import { validateTableSpec } from '../validate-table-spec.js';

const table = (...columns: unknown[]) => ({ name: 't', columns });

function fieldOf(input: unknown): string {
  try {
    validateTableSpec(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).message;
  }
  throw new Error('expected a ValidationError');
}

describe('column types for the rest of PostgreSQL', () => {
  it('accepts each new type with its options and names its PostgreSQL type', () => {
    const spec = validateTableSpec(
      table(
        { name: 'b', type: 'bytes', minLength: 1, maxLength: 8 },
        { name: 't', type: 'time', from: '08:00:00', to: '17:30', timezone: true },
        { name: 'i', type: 'interval', min: 60, max: 86_400 },
        { name: 'm', type: 'macaddr', bytes: 8 },
        { name: 'n', type: 'cidr', prefix: 24 },
        { name: 'c', type: 'money', min: 1, max: 99.99 },
        { name: 'a', type: 'array', element: { type: 'decimal', precision: 8, scale: 3, nullRatio: 0.1 }, maxLength: 3, dimensions: 2 },
        { name: 'r', type: 'range', subtype: 'daterange', min: '2024-01-01', max: '2024-12-31' },
        { name: 'h', type: 'hstore' },
        { name: 'g', type: 'geometry', geometryType: 'Polygon', srid: 3857 },
        { name: 'p', type: 'pattern', pattern: '^[A-Z]{2}-\\d{4}(x|yz)?$' },
      ),
    );
    expect(spec.columns.map((c) => pgType(c))).toEqual(['bytea', 'timetz', 'interval', 'macaddr8', 'cidr', 'money', 'numeric(8,3)[][]', 'daterange', 'hstore', 'geometry(Polygon,3857)', 'text']);
    // ISO min/max of a temporal range are kept as from/to (min/max stay numbers).
    expect(spec.columns[7]).toMatchObject({ from: '2024-01-01', to: '2024-12-31' });
    expect(spec.columns[7]?.min).toBeUndefined();
    expect(pgType({ name: 'g', type: 'geometry', geography: true })).toBe('geography(Point,4326)');
    expect(pgType({ name: 'a', type: 'array', element: { type: 'uuid' } })).toBe('uuid[]');
  });

  it('accepts decimal at any scale (numeric(20,15), numeric(38,38))', () => {
    expect(() => validateTableSpec(table({ name: 'd', type: 'decimal', precision: 20, scale: 15, min: -10000, max: 10000 }))).not.toThrow();
    expect(() => validateTableSpec(table({ name: 'd', type: 'decimal', precision: 38, scale: 38, min: 0, max: 0.5 }))).not.toThrow();
    expect(fieldOf(table({ name: 'd', type: 'decimal', precision: 20, scale: 15, max: 1e6 }))).toMatch(/^schema\.columns\[0\]\.max: .*does not fit/);
  });

  it.each([
    ['array without element', table({ name: 'a', type: 'array' }), /^schema\.columns\[0\]\.element/],
    ['array of arrays', table({ name: 'a', type: 'array', element: { type: 'array' } }), /^schema\.columns\[0\]\.element/],
    ['element with a name', table({ name: 'a', type: 'array', element: { type: 'int', name: 'x' } }), /^schema\.columns\[0\]\.element\.name/],
    ['element option of its type checked', table({ name: 'a', type: 'array', element: { type: 'int', min: 5, max: 1 } }), /^schema\.columns\[0\]\.element\.min/],
    ['range without subtype', table({ name: 'r', type: 'range' }), /^schema\.columns\[0\]\.subtype/],
    ['numeric range with dates', table({ name: 'r', type: 'range', subtype: 'int4range', min: '2024-01-01' }), /^schema\.columns\[0\]\.min: must be a number/],
    ['date range with numbers', table({ name: 'r', type: 'range', subtype: 'tstzrange', max: 5 }), /^schema\.columns\[0\]\.max: must be an ISO date/],
    ['bad pattern: not anchored', table({ name: 'p', type: 'pattern', pattern: '[a-z]+' }), /^schema\.columns\[0\]\.pattern: must be anchored/],
    ['bad pattern: lookahead', table({ name: 'p', type: 'pattern', pattern: '^(?=a)a$' }), /^schema\.columns\[0\]\.pattern: lookarounds/],
    ['bad time of day', table({ name: 't', type: 'time', from: '25:00:00' }), /^schema\.columns\[0\]\.from/],
    ['time from after to', table({ name: 't', type: 'time', from: '18:00:00', to: '08:00:00' }), /^schema\.columns\[0\]\.from: from/],
    ['macaddr bytes', table({ name: 'm', type: 'macaddr', bytes: 7 }), /^schema\.columns\[0\]\.bytes/],
    ['cidr prefix', table({ name: 'n', type: 'cidr', prefix: 33 }), /^schema\.columns\[0\]\.prefix/],
    ['bytes minLength > maxLength', table({ name: 'b', type: 'bytes', minLength: 9, maxLength: 2 }), /^schema\.columns\[0\]\.minLength/],
    ['geometryType', table({ name: 'g', type: 'geometry', geometryType: 'Circle' }), /^schema\.columns\[0\]\.geometryType/],
  ])('%s → 4xx naming the field', (_, input, expected) => {
    expect(fieldOf(input)).toMatch(expected);
  });
});

describe('cross-column options', () => {
  const a = { name: 'a', type: 'date', nullRatio: 0.1 };
  it('accepts after and exclusive', () => {
    const spec = validateTableSpec({
      ...table(a, { name: 'b', type: 'timestamp', after: { column: 'a', orEqual: true } }, { name: 'x', type: 'int', nullRatio: 0.5 }, { name: 'y', type: 'text', nullRatio: 0.5 }),
      exclusive: [{ columns: ['x', 'y'], required: true }],
    });
    expect(spec.columns[1]?.after).toEqual({ column: 'a', orEqual: true });
    expect(spec.exclusive).toEqual([{ columns: ['x', 'y'], required: true }]);
  });

  it.each([
    ['after an unknown column', table(a, { name: 'b', type: 'date', after: { column: 'aa' } }), /^schema\.columns\[1\]\.after\.column: unknown column "aa"; did you mean "a"/],
    ['after a later column', table({ name: 'b', type: 'date', after: { column: 'a' } }, a), /^schema\.columns\[0\]\.after\.column: "a" must come earlier/],
    ['after across kinds', table(a, { name: 'b', type: 'int', after: { column: 'a' } }), /^schema\.columns\[1\]\.after\.column: "a" \(date\) cannot order/],
    ['after on a type without order', table(a, { name: 'b', type: 'text', after: { column: 'a' } }), /^schema\.columns\[1\]\.after/],
    ['after unknown key', table(a, { name: 'b', type: 'date', after: { column: 'a', strict: true } }), /^schema\.columns\[1\]\.after\.strict/],
    ['exclusive unknown member', { ...table(a, { name: 'b', type: 'int' }), exclusive: [{ columns: ['a', 'c'] }] }, /^schema\.exclusive\[0\]\.columns\[1\]: unknown column "c"/],
    ['exclusive overlapping groups', { ...table(a, { name: 'b', type: 'int' }, { name: 'c', type: 'int' }), exclusive: [{ columns: ['a', 'b'] }, { columns: ['b', 'c'] }] }, /^schema\.exclusive\[1\]\.columns\[0\]: column "b" is already/],
    ['exclusive key member', { ...table(a, { name: 'b', type: 'serial' }), exclusive: [{ columns: ['a', 'b'] }] }, /^schema\.exclusive\[0\]\.columns\[1\]: "b" is a key column/],
    ['exclusive one member', { ...table(a), exclusive: [{ columns: ['a'] }] }, /^schema\.exclusive\[0\]\.columns/],
  ])('%s → 4xx naming the field', (_, input, expected) => {
    expect(fieldOf(input)).toMatch(expected);
  });
});
