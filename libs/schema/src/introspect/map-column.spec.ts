import { describe, expect, it } from 'vitest';
import { pgType } from '../pg-type.js';
import { validateColumn } from '../validate-table-spec.js';
import type { CatalogColumn } from './catalog-model.js';
import { mapColumnType } from './map-column.js';

const col = (name: string, formatted: string, typeName: string, extra: Partial<CatalogColumn> = {}): CatalogColumn => ({ name, formatted, typeName, notNull: false, ...extra });

/** [catalog column, expected spec, PostgreSQL type the spec creates]. */
const CASES: [CatalogColumn, object, string][] = [
  [col('blob', 'bytea', 'bytea'), { type: 'bytes' }, 'bytea'],
  [col('opens', 'time without time zone', 'time'), { type: 'time' }, 'time'],
  [col('opens_tz', 'time with time zone', 'timetz'), { type: 'time', timezone: true }, 'timetz'],
  [col('took', 'interval', 'interval'), { type: 'interval' }, 'interval'],
  [col('mac', 'macaddr', 'macaddr'), { type: 'macaddr' }, 'macaddr'],
  [col('mac8', 'macaddr8', 'macaddr8'), { type: 'macaddr', bytes: 8 }, 'macaddr8'],
  [col('net', 'cidr', 'cidr'), { type: 'cidr' }, 'cidr'],
  [col('price', 'money', 'money'), { type: 'money', min: 1, max: 1000 }, 'money'],
  [col('attrs', 'hstore', 'hstore'), { type: 'hstore' }, 'hstore'],
  [col('during', 'tstzrange', 'tstzrange'), { type: 'range', subtype: 'tstzrange' }, 'tstzrange'],
  [col('ids', 'integer[]', '_int4', { elementType: 'int4' }), { type: 'array', element: { type: 'int', min: 0, max: 1_000_000 } }, 'integer[]'],
  [col('tags', 'character varying(30)[]', '_varchar', { elementType: 'varchar' }), { type: 'array', element: { type: 'text', mode: 'word' } }, 'text[]'],
  [col('refs', 'uuid[]', '_uuid', { elementType: 'uuid' }), { type: 'array', element: { type: 'uuid' } }, 'uuid[]'],
  [col('times', 'timestamp with time zone[]', '_timestamptz', { elementType: 'timestamptz' }), { type: 'array', element: { type: 'timestamptz' } }, 'timestamptz[]'],
  [col('amounts', 'numeric(10,3)[]', '_numeric', { elementType: 'numeric' }), { type: 'array', element: { type: 'decimal', precision: 10, scale: 3, min: 1, max: 1000 } }, 'numeric(10,3)[]'],
  [col('weight', 'real', 'float4'), { type: 'decimal', precision: 6, scale: 2, min: 0, max: 1000 }, 'numeric(6,2)'],
  [col('rate', 'numeric(20,15)', 'numeric'), { type: 'decimal', precision: 20, scale: 15, min: 0, max: 1 }, 'numeric(20,15)'],
  [col('shape', 'geometry(MultiPolygon,3857)', 'geometry'), { type: 'geometry', geometryType: 'MultiPolygon', srid: 3857 }, 'geometry(MultiPolygon,3857)'],
  [col('where', 'geography(Point,4326)', 'geography'), { type: 'geometry', geometryType: 'Point', geography: true }, 'geography(Point,4326)'],
  [col('any_geom', 'geometry', 'geometry'), { type: 'geometry', geometryType: 'Point' }, 'geometry(Point,4326)'],
];

describe('mapColumnType: catalog types with their own generators', () => {
  it.each(CASES)('%o', (catalogColumn, expected, type) => {
    const warnings: string[] = [];
    const mapped = mapColumnType(catalogColumn, (m) => warnings.push(m));
    expect(mapped).toMatchObject(expected);
    expect(warnings).toEqual([]);
    // What introspection emits passes validation and creates the same column type.
    const spec = validateColumn({ name: catalogColumn.name, ...mapped }, 'column');
    expect(pgType(spec)).toBe(type);
  });

  it('leaves out what it cannot generate (3D shapes, arrays of unknown types)', () => {
    expect(mapColumnType(col('p', 'geometry(PointZ,4326)', 'geometry'), () => undefined)).toBeNull();
    expect(mapColumnType(col('x', 'tsvector[]', '_tsvector', { elementType: 'tsvector' }), () => undefined)).toBeNull();
  });
});
