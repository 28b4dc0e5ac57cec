import type { ColumnSpec } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { countryColumnsByName, statesByName } from './country-columns.js';
import { guessText } from './name-heuristics.js';

const col = (name: string, type: ColumnSpec['type'], extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ name, type, ...extra });

describe('location columns follow a country column by name', () => {
  it('same prefix first: billing_* follow billing_country, the others the plain country', () => {
    const got = countryColumnsByName([
      col('address', 'streetAddress'),
      col('city', 'city'),
      col('postal_code', 'text', { mode: 'postalCode' }),
      col('phone', 'phone'),
      col('fax', 'phone'),
      col('country', 'country'),
      col('billing_address', 'streetAddress'),
      col('billing_city', 'city'),
      col('billing_postal_code', 'text', { mode: 'postalCode' }),
      col('billing_country', 'enum', { values: ['DE', 'US'] }),
      col('notes', 'text'),
    ]);
    expect(Object.fromEntries(got)).toEqual({
      address: 'country',
      city: 'country',
      postal_code: 'country',
      phone: 'country',
      fax: 'country',
      billing_address: 'billing_country',
      billing_city: 'billing_country',
      billing_postal_code: 'billing_country',
    });
  });

  it('a single country column (a code) serves every location column; none, or several without a match, serve none', () => {
    expect(Object.fromEntries(countryColumnsByName([col('ship_city', 'city'), col('country_code', 'enum', { values: ['US'] })]))).toEqual({ ship_city: 'country_code' });
    expect(countryColumnsByName([col('city', 'city'), col('phone', 'phone')]).size).toBe(0);
    expect(countryColumnsByName([col('city', 'city'), col('from_country', 'country'), col('to_country', 'country')]).size).toBe(0);
  });

  it('state and province columns of an address become states; elsewhere a state is a status and stays text', () => {
    expect(statesByName([col('city', 'city'), col('state', 'text'), col('province', 'text', { mode: 'word' })])).toEqual(['state', 'province']);
    expect(statesByName([col('billing_country', 'country'), col('billing_state', 'text')])).toEqual(['billing_state']);
    expect(statesByName([col('id', 'serial'), col('state', 'text')])).toEqual([]);
    expect(statesByName([col('city', 'city'), col('state', 'enum', { values: ['open'] })])).toEqual([]);
    expect(Object.fromEntries(countryColumnsByName([col('billing_state', 'text', { mode: 'state' }), col('billing_country', 'country'), col('country', 'country')]))).toEqual({ billing_state: 'billing_country' });
  });

  it('postcode and zip columns get postcodes', () => {
    for (const name of ['zip', 'zip_code', 'postal_code', 'postcode', 'billing_postal_code']) expect(guessText(name, 20).spec).toEqual({ type: 'text', mode: 'postalCode' });
  });
});
