import type { ColumnSpec } from '@rowflow/contracts';
import { COUNTRY_HOLDING_TYPES } from '../column-types.js';

/** Columns whose values depend on a country: phones, street addresses, cities, postcodes. */
function followsCountry(c: ColumnSpec): boolean {
  return c.type === 'phone' || c.type === 'streetAddress' || c.type === 'city' || (c.type === 'text' && (c.mode === 'postalCode' || c.mode === 'state'));
}

/** A state/province column by name; only an address's (the table has other location columns): elsewhere `state` is a status. */
const STATE_NAME = /(^|_)(state|province|state_?province|prefecture|county)$/i;

/**
 * Text columns named like a state or province in a table with other location columns (an
 * address: `city`, `postal_code`, `country` …) become states of the row's country.
 */
export function statesByName(columns: readonly ColumnSpec[]): string[] {
  const address = columns.some((c) => followsCountry(c) || /country/i.test(c.name));
  if (!address) return [];
  return columns.filter((c) => c.type === 'text' && (c.mode === undefined || c.mode === 'words' || c.mode === 'word') && !c.profile && STATE_NAME.test(c.name)).map((c) => c.name);
}

/** `billing_country` → `billing_`, `country_code` → ``: what a country column's name says it belongs to. */
function countryPrefix(name: string): string {
  return name.toLowerCase().replace(/country.*$/, '');
}

/** The part of a location column's name before its last word (`billing_city` → `billing_`, `ship_postal_code` → `ship_`). */
function locationPrefix(name: string): string {
  const lower = name.toLowerCase();
  const stem = /(phone|mobile|tel|telephone|fax|street|address|addr|city|town|zip|postal|post_?code|state|province|prefecture|county)/.exec(lower);
  return stem ? lower.slice(0, stem.index) : '';
}

/**
 * The country column each location column of a table should follow, by name: the one with the
 * same prefix (`billing_city` → `billing_country`), else the table's only unprefixed one
 * (`country`, `country_code`), else the table's only one. Returns location → country names.
 */
export function countryColumnsByName(columns: readonly ColumnSpec[]): Map<string, string> {
  const countries = columns.filter((c) => /country/i.test(c.name) && COUNTRY_HOLDING_TYPES.includes(c.type) && !followsCountry(c) && c.countryColumn === undefined);
  const out = new Map<string, string>();
  if (countries.length === 0) return out;
  const plain = countries.filter((c) => countryPrefix(c.name) === '');
  for (const col of columns.filter(followsCountry)) {
    const prefix = locationPrefix(col.name);
    const chosen = countries.find((c) => countryPrefix(c.name) === prefix) ?? (plain.length === 1 ? plain[0] : countries.length === 1 ? countries[0] : undefined);
    if (chosen) out.set(col.name, chosen.name);
  }
  return out;
}
