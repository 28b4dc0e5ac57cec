import { describe, expect, it } from 'vitest';
import type { CatalogColumn } from './catalog-model.js';
import { catalogToDataset } from './introspect-dataset.js';
import { orderedByName } from './name-heuristics.js';

const col = (name: string, formatted: string, typeName: string): CatalogColumn => ({ name, formatted, typeName, notNull: false });

describe('instants ordered by their names', () => {
  it.each<[string[], { column: string; other: string; orEqual: boolean }[]]>([
    [['created_at', 'updated_at'], [{ column: 'updated_at', other: 'created_at', orEqual: true }]],
    [['starts_at', 'ends_at'], [{ column: 'ends_at', other: 'starts_at', orEqual: false }]],
    [['trip_start_date', 'trip_end_date', 'start_date'], [{ column: 'trip_end_date', other: 'trip_start_date', orEqual: false }]],
    [['valid_from', 'valid_to'], [{ column: 'valid_to', other: 'valid_from', orEqual: false }]],
    [['createdAt', 'updatedAt'], [{ column: 'updatedAt', other: 'createdAt', orEqual: true }]],
    // Different suffixes or prefixes say nothing about each other.
    [['created_at', 'updated_on'], []],
    [['order_start', 'trip_end'], []],
    [['starting_price', 'ending_price'], []],
  ])('%j', (names, expected) => {
    expect(orderedByName(names)).toEqual(expected);
  });

  it('introspection orders them with the after option (no CHECK needed)', () => {
    const { dataset } = catalogToDataset(
      [{ name: 'event', columns: [col('created_at', 'timestamp with time zone', 'timestamptz'), col('updated_at', 'timestamp with time zone', 'timestamptz'), col('starts_on', 'date', 'date'), col('ends_on', 'date', 'date')], constraints: [] }],
      { name: 'public', rows: 10 },
    );
    const cols = dataset.tables[0]!.columns;
    expect(cols.find((c) => c.name === 'updated_at')?.after).toEqual({ column: 'created_at', orEqual: true });
    expect(cols.find((c) => c.name === 'ends_on')?.after).toEqual({ column: 'starts_on' });
  });
});
