import type { ByteSink } from './byte-sink.js';
import { type ColumnCompiler, type CompiledColumn, plainIf } from './column.js';
import { regionOf, REGIONS } from './countries.js';
import { LAST, STREET_NAME, STREET_SUFFIX, WORDS } from './dictionaries.js';
import type { Rng } from './hash.js';
import type { RowContext } from './row-context.js';

/**
 * Location columns (phone, street address, city, postcode) follow the row's country: the
 * location entity's, or — with `countryColumn` — the country the named column holds in the same
 * row, recomputed from that column's own value function (a pure function of the row), so no
 * column depends on another having been generated first.
 */
export type CountrySource = (row: RowContext) => number;

/** The row's region: the named country column's value when it names a known country, else the location entity's. */
export function countrySource(country?: CompiledColumn['value']): CountrySource {
  if (!country) return (row) => row.location().countryIndex;
  return (row) => {
    const i = regionOf(country(row));
    return i >= 0 ? i : row.location().countryIndex;
  };
}

/**
 * One piece of a pattern: literal text, then a digit group (`!##`: `span` > 0), a capital letter
 * (`@`: span -1) or nothing (span 0). One object shape for all pieces keeps the fill loop monomorphic.
 */
interface Piece {
  text: string;
  lo: number;
  span: number;
  width: number;
}

const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
/** Zero-padded 2-4 digit groups built once: phone numbers are mostly these groups. */
const PADDED = [2, 3, 4].map((w) => Array.from({ length: 10 ** w }, (_, i) => String(i).padStart(w, '0')));

function compilePattern(pattern: string): Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  for (const tok of pattern.match(/!?#+|!|@|[^!#@]+/g) ?? []) {
    if (tok === '@') pieces.push({ text, lo: 0, span: -1, width: 1 });
    else if (tok.includes('#') || tok === '!') {
      const width = tok.length;
      const lo = tok.startsWith('!') ? 2 * 10 ** (width - 1) : 0;
      pieces.push({ text, lo, span: 10 ** width - lo, width });
    } else {
      text += tok;
      continue;
    }
    text = '';
  }
  if (text.length) pieces.push({ text, lo: 0, span: 0, width: 0 });
  return pieces;
}

function digits(n: number, width: number): string {
  return width >= 2 && width <= 4 ? PADDED[width - 2]![n]! : String(n).padStart(width, '0');
}

function fill(r: Rng, pieces: readonly Piece[]): string {
  let out = '';
  for (const p of pieces) {
    out += p.text;
    if (p.span > 0) out += digits(p.lo + r.below(p.span), p.width);
    else if (p.span < 0) out += LETTERS[r.below(LETTERS.length)]!;
  }
  return out;
}

/** `fill` written as bytes (same draws). */
function writeFill(r: Rng, pieces: readonly Piece[], out: ByteSink): void {
  for (const p of pieces) {
    if (p.text.length) out.str(p.text);
    if (p.span > 0) out.pad(p.lo + r.below(p.span), p.width);
    else if (p.span < 0) out.byte(LETTERS.charCodeAt(r.below(LETTERS.length)));
  }
}

/** Phone layouts per region, each led by `+<calling code> `, compiled once. */
const PHONES = REGIONS.map((r) => r.phones.map((p) => compilePattern(`+${r.calling} ${p}`)));
const POSTCODES = REGIONS.map((r) => r.postcodes.map(compilePattern));

/** A layout of `layouts` for the row (one draw, skipped when there is one layout), then the digits from the same stream. */
function layoutOf(r: Rng, layouts: readonly Piece[][]): Piece[] {
  return layouts[layouts.length === 1 ? 0 : r.below(layouts.length)]!;
}

/** Columns drawing a pattern of the row's country's layouts (phones, postcodes), with a byte writer. */
function patternColumn(table: readonly Piece[][][]): ColumnCompiler {
  return ({ random, country }) => {
    const regionAt = countrySource(country);
    return {
      kind: 'plain',
      value: (row) => {
        const layouts = table[regionAt(row)]!;
        const r = random.at(row);
        return fill(r, layoutOf(r, layouts));
      },
      write: (row, out) => {
        const layouts = table[regionAt(row)]!;
        const r = random.at(row);
        writeFill(r, layoutOf(r, layouts), out);
        return true;
      },
    };
  };
}

/** A phone number of the row's country, `+<calling code> <national layout>`. */
export const phoneColumn: ColumnCompiler = patternColumn(PHONES);

/** A postcode in the row's country's layout (`text` with `mode: "postalCode"`). */
export const postalCodeColumn: ColumnCompiler = patternColumn(POSTCODES);

/** A state, province or region of the row's country (`text` with `mode: "state"`). */
export const stateColumn: ColumnCompiler = ({ random, country }) => {
  const regionAt = countrySource(country);
  const pick = (row: RowContext): string => random.at(row).pick(REGIONS[regionAt(row)]!.states);
  return {
    kind: plainIf(...REGIONS.map((r) => r.states)),
    value: pick,
    write: (row, out) => {
      out.str(pick(row));
      return true;
    },
  };
};

/** A city of the row's country: the location entity's own city when the countries agree. */
export const cityColumn: ColumnCompiler = ({ random, country }) => {
  const regionAt = countrySource(country);
  const pick = (row: RowContext): string => {
    const own = row.location();
    const i = regionAt(row);
    if (i === own.countryIndex) return own.city;
    return random.at(row).pick(REGIONS[i]!.cities);
  };
  return {
    kind: plainIf(...REGIONS.map((r) => r.cities)),
    value: pick,
    write: (row, out) => {
      out.str(pick(row));
      return true;
    },
  };
};

const BUILDING_MAX = [99_999, 9_999, 999];
const CAPITALIZED_WORDS = WORDS.map((w) => w.charAt(0).toUpperCase() + w.slice(1));
const SPACED_SUFFIX = STREET_SUFFIX.map((s) => ` ${s}`);

/** The English form (`4821 Maple Street`): faker's `en` street names and suffixes. */
function englishStreet(r: Rng): string {
  const number = 1 + r.below(BUILDING_MAX[r.below(3)]!);
  const v = r.below(3);
  const street = v === 2 ? r.pick(STREET_NAME) : r.pick(v === 0 ? LAST : CAPITALIZED_WORDS) + r.pick(SPACED_SUFFIX);
  return `${number} ${street}`;
}

/** A piece of a street form: literal text, then a slot (a street name, a house number 1-199, a digit 1-9, or none). */
interface StreetPiece {
  text: string;
  slot: '' | 's' | 'n' | 'd';
}

/** Street forms (`{s}straße {n}`) compiled once into literal text and slots. */
const STREET_FORMS: StreetPiece[][][] = REGIONS.map((r) =>
  r.streetForms.map((form) =>
    (form.match(/[^{]*(\{[snd]\})?/g) ?? []).filter((t) => t.length).map((t) => {
      const slot = /\{([snd])\}$/.exec(t);
      return { text: slot ? t.slice(0, -3) : t, slot: (slot?.[1] ?? '') as StreetPiece['slot'] };
    }),
  ),
);

/** House numbers as text, built once. */
const HOUSE = Array.from({ length: 200 }, (_, i) => String(i));

/** `englishStreet` written as bytes (same draws, same order). */
function writeEnglishStreet(r: Rng, out: ByteSink): void {
  out.num(1 + r.below(BUILDING_MAX[r.below(3)]!));
  out.byte(32); // space
  const v = r.below(3);
  if (v === 2) out.str(r.pick(STREET_NAME));
  else {
    out.str(r.pick(v === 0 ? LAST : CAPITALIZED_WORDS));
    out.str(r.pick(SPACED_SUFFIX));
  }
}

function localStreet(r: Rng, region: number): string {
  const forms = STREET_FORMS[region]!;
  const streets = REGIONS[region]!.streets;
  let out = '';
  for (const p of forms[r.below(forms.length)]!) {
    out += p.text;
    if (p.slot === 's') out += r.pick(streets);
    else if (p.slot === 'n') out += HOUSE[1 + r.below(199)]!;
    else if (p.slot === 'd') out += HOUSE[1 + r.below(9)]!;
  }
  return out;
}

/** `localStreet` written as bytes (same draws, same order). */
function writeLocalStreet(r: Rng, region: number, out: ByteSink): void {
  const forms = STREET_FORMS[region]!;
  const streets = REGIONS[region]!.streets;
  for (const p of forms[r.below(forms.length)]!) {
    if (p.text.length) out.str(p.text);
    if (p.slot === 's') out.str(r.pick(streets));
    else if (p.slot === 'n') out.str(HOUSE[1 + r.below(199)]!);
    else if (p.slot === 'd') out.str(HOUSE[1 + r.below(9)]!);
  }
}

/** A street address written the way the row's country writes it. */
export const streetAddressColumn: ColumnCompiler = ({ random, country }) => {
  const regionAt = countrySource(country);
  return {
    kind: plainIf(LAST, CAPITALIZED_WORDS, STREET_NAME, STREET_SUFFIX, ...REGIONS.map((r) => r.streets)),
    value: (row) => {
      const region = regionAt(row);
      return STREET_FORMS[region]!.length === 0 ? englishStreet(random.at(row)) : localStreet(random.at(row), region);
    },
    write: (row, out) => {
      const region = regionAt(row);
      if (STREET_FORMS[region]!.length === 0) writeEnglishStreet(random.at(row), out);
      else writeLocalStreet(random.at(row), region, out);
      return true;
    },
  };
};
