import type { TableSpec } from '@rowflow/contracts';
import { findTable, validateTableSpec } from '@rowflow/schema';
import { describe, expect, it } from 'vitest';
import { compileTable, rowValues } from './compile.js';
import { REGIONS, regionOf } from './countries.js';
import { RowContext } from './row-context.js';
import { collect, ndjsonRows } from './test-helpers.js';

/** Rows [0, n) of a table as objects, straight from the compiled columns, with the row location's region as `own`. */
function rows(spec: TableSpec, n: number, seed = 42): Record<string, unknown>[] {
  const columns = compileTable(spec, seed);
  const row = new RowContext(seed, spec.name);
  return Array.from({ length: n }, (_, k) => {
    row.setRow(k);
    return { ...rowValues(columns, row), own: row.location().countryIndex };
  });
}

/** A users-like table whose country is an ISO code, a name, an alias or junk (junk: the row's own location). */
const CUSTOMERS = validateTableSpec({
  name: 'customers',
  columns: [
    { name: 'id', type: 'serial', primaryKey: true },
    { name: 'phone', type: 'phone', countryColumn: 'country', nullRatio: 0.05 },
    { name: 'address', type: 'streetAddress', countryColumn: 'country' },
    { name: 'city', type: 'city', countryColumn: 'country' },
    { name: 'zip', type: 'text', mode: 'postalCode', countryColumn: 'country' },
    { name: 'state', type: 'text', mode: 'state', countryColumn: 'country' },
    {
      name: 'country',
      type: 'enum',
      values: ['US', 'DE', 'GB', 'FR', 'JP', 'BR', 'CA', 'NL', 'IN', 'USA', 'Deutschland', 'United Kingdom', 'Czech Republic', 'Belgium', 'atlantis'],
      nullRatio: 0.02,
    },
  ],
});

const POSTCODE: Record<string, RegExp> = {
  US: /^\d{5}(-\d{4})?$/,
  DE: /^\d{5}$/,
  GB: /^[A-Z]{1,2}\d{1,2} \d[A-Z]{2}$/,
  FR: /^\d{5}$/,
  JP: /^\d{3}-\d{4}$/,
  BR: /^\d{5}-\d{3}$/,
  CA: /^[A-Z]\d[A-Z] \d[A-Z]\d$/,
  NL: /^[1-9]\d{3} [A-Z]{2}$/,
  IN: /^[1-9]\d{5}$/,
  CZ: /^[1-9]\d{2} \d{2}$/,
  BE: /^[1-9]\d{3}$/,
};

const STREET: Record<string, RegExp> = {
  DE: /^\S+(straße|weg|allee|gasse|platz) \d+$/,
  FR: /^\d+ (rue|avenue|boulevard|place) /,
  BR: /^(Rua|Avenida|Travessa) .+ \d+$/,
  JP: /^\d-\d-\d \S+$/,
  GB: /^\d+ \S+ (Road|Street|Lane|Close|Avenue|Gardens)$/,
};

describe('location columns follow the row country', () => {
  it('users (country by the location entity): every phone carries the calling code of the row country and the city lies in it, 50k rows', () => {
    const users = rows(findTable('users'), 50_000);
    let phones = 0;
    let matching = 0;
    let foreign = 0;
    for (const u of users) {
      if (u.phone === null) continue;
      phones++;
      const region = REGIONS[regionOf(u.country)]!;
      if (region.iso2 !== 'US') foreign++;
      if (String(u.phone).startsWith(`+${region.calling} `) && region.cities.includes(String(u.city))) matching++;
    }
    expect(foreign).toBeGreaterThan(0.5 * phones);
    expect(matching / phones).toBeGreaterThanOrEqual(0.99);
    expect(matching).toBe(phones);
  });

  it('a country column of codes, names and aliases: phone, postcode, street, state and city follow it; unknown values fall back to the row location', () => {
    const got = rows(CUSTOMERS, 50_000);
    const byCountry = new Map<string, number>();
    const wrong: string[] = [];
    let phones = 0;
    let matching = 0;
    for (const r of got) {
      const own = regionOf(r.country);
      const region = REGIONS[own >= 0 ? own : (r.own as number)]!;
      byCountry.set(region.iso2, (byCountry.get(region.iso2) ?? 0) + 1);
      if (!region.cities.includes(String(r.city))) wrong.push(`city ${String(r.city)} in ${region.iso2}`);
      if (!region.states.includes(String(r.state))) wrong.push(`state ${String(r.state)} in ${region.iso2}`);
      if (r.phone !== null) {
        phones++;
        if (String(r.phone).startsWith(`+${region.calling} `)) matching++;
      }
      const zip = POSTCODE[region.iso2];
      if (own >= 0 && zip && !zip.test(String(r.zip))) wrong.push(`zip ${String(r.zip)} in ${region.iso2}`);
      const street = STREET[region.iso2];
      if (own >= 0 && street && !street.test(String(r.address))) wrong.push(`address ${String(r.address)} in ${region.iso2}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(matching / phones).toBeGreaterThanOrEqual(0.99);
    for (const iso of ['US', 'DE', 'GB', 'FR', 'JP', 'BR', 'CA', 'NL', 'IN', 'CZ', 'BE']) expect(byCountry.get(iso) ?? 0).toBeGreaterThan(1000);
  });

  it('recognises names, ISO 3166 alpha-2/alpha-3 codes and common spellings', () => {
    const us = regionOf('US');
    for (const s of ['USA', 'usa', 'United States', 'United States of America', 'U.S.A.']) expect(regionOf(s)).toBe(us);
    expect(REGIONS[regionOf('DEU')]!.name).toBe('Germany');
    expect(REGIONS[regionOf('Deutschland')]!.name).toBe('Germany');
    expect(REGIONS[regionOf('UK')]!.iso2).toBe('GB');
    expect(REGIONS[regionOf('Österreich')]!.iso2).toBe('AT');
    for (const junk of ['', 'atlantis', null, 42]) expect(regionOf(junk)).toBe(-1);
  });

  it('without a country column, the same row location drives city, phone and postcode', () => {
    const spec = validateTableSpec({
      name: 'sites',
      columns: [
        { name: 'city', type: 'city' },
        { name: 'phone', type: 'phone' },
        { name: 'zip', type: 'text', mode: 'postalCode' },
      ],
    });
    for (const r of rows(spec, 5000)) {
      const region = REGIONS[r.own as number]!;
      expect(region.cities).toContain(r.city);
      expect(String(r.phone).startsWith(`+${region.calling} `), `${String(r.phone)} in ${String(r.city)}`).toBe(true);
    }
  });

  it('the phone reads the country column of the same row only: removing other columns changes nothing', () => {
    const slim = validateTableSpec({ ...CUSTOMERS, columns: CUSTOMERS.columns.filter((c) => c.name === 'phone' || c.name === 'country') });
    const full = rows(CUSTOMERS, 2000);
    expect(rows(slim, 2000).map((r) => r.phone)).toEqual(full.map((r) => r.phone));
    expect(rows(slim, 2000).map((r) => r.country)).toEqual(full.map((r) => r.country));
  });
});

describe('location columns are deterministic and seekable', () => {
  it('same bytes at any chunk size and offset, both formats', async () => {
    for (const format of ['csv', 'ndjson'] as const) {
      const whole = await collect({ spec: CUSTOMERS, rows: 3000, format });
      expect(await collect({ spec: CUSTOMERS, rows: 3000, format, chunkBytes: 777 })).toBe(whole);
      for (const k of [1, 999, 2999]) {
        const head = await collect({ spec: CUSTOMERS, rows: k, format });
        const tail = await collect({ spec: CUSTOMERS, rows: 3000 - k, offset: k, format });
        expect(head + tail).toBe(whole);
      }
    }
  });

  it('partitions are disjoint and together give the stream', async () => {
    const full = await ndjsonRows({ spec: CUSTOMERS, rows: 3000, offset: 50 });
    for (const count of [2, 3]) {
      const parts = await Promise.all(Array.from({ length: count }, (_, index) => ndjsonRows({ spec: CUSTOMERS, rows: 3000, offset: 50, partition: { by: 'country', count, index } })));
      const merged = parts.flat().sort((a, b) => (a.id as number) - (b.id as number));
      expect(merged).toEqual(full);
    }
  });

  it('countryColumn is validated: a known column that holds a country, text only as a postcode', () => {
    const base = { name: 't', columns: [{ name: 'country', type: 'country' }] };
    const bad = (col: object) => () => validateTableSpec({ ...base, columns: [...base.columns, col] });
    expect(bad({ name: 'p', type: 'phone', countryColumn: 'contry' })).toThrow(/unknown column "contry"; did you mean "country"/);
    expect(bad({ name: 'p', type: 'phone', countryColumn: 'p' })).toThrow(/cannot give a country/);
    expect(bad({ name: 'w', type: 'text', countryColumn: 'country' })).toThrow(/only with mode "postalCode" or "state"/);
    expect(bad({ name: 'f', type: 'firstName', countryColumn: 'country' })).toThrow(/countryColumn/);
  });
});
