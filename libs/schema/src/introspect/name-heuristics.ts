import type { ColumnSpec } from '@rowflow/contracts';
import { COUNTRY_CODES, CURRENCIES, LANGUAGES, LOCALES, TIME_ZONES } from './iso-codes.js';

/** A realistic text generator for a column name, and the shortest varchar it fits. */
interface TextGuess {
  test: RegExp;
  spec: Omit<ColumnSpec, 'name'>;
  /** Longest value seen over 300k rows, with margin (unique suffixes grow with the row count). */
  minLength: number;
}

function codes(list: readonly (readonly [string, number])[]): Omit<ColumnSpec, 'name'> {
  return { type: 'enum', values: list.map(([c]) => c), weights: list.map(([, w]) => w) };
}

/** Ordered: the first match wins (`email` before `name`). */
const TEXT_GUESSES: TextGuess[] = [
  // Code columns before the broad ones: `currency` is ISO 4217, not a word; `country_code` is not a country name.
  { test: /(^|_)(currency|ccy)(_?(code|iso))?$/, spec: codes(CURRENCIES), minLength: 3 },
  { test: /(^|_)(country_?(code|iso2?)|iso_?country|cc)$/, spec: { type: 'enum', values: COUNTRY_CODES.map(([a]) => a), weights: COUNTRY_CODES.map(([, , w]) => w) }, minLength: 2 },
  { test: /(^|_)country_?iso3$/, spec: { type: 'enum', values: COUNTRY_CODES.map(([, a]) => a), weights: COUNTRY_CODES.map(([, , w]) => w) }, minLength: 3 },
  { test: /(^|_)(language|lang)(_?(code|iso))?$/, spec: codes(LANGUAGES), minLength: 2 },
  { test: /(^|_)locale$/, spec: codes(LOCALES), minLength: 5 },
  { test: /(^|_)(time_?zone|tz|tz_?name|zone_?name)$/, spec: codes(TIME_ZONES), minLength: 19 },
  { test: /e_?mail/, spec: { type: 'email' }, minLength: 64 },
  { test: /^(first_?name|given_?name|fname|forename)$/, spec: { type: 'firstName' }, minLength: 20 },
  { test: /^(last_?name|surname|family_?name|lname)$/, spec: { type: 'lastName' }, minLength: 24 },
  { test: /^(user_?name|login|handle|nick_?name|screen_?name)$/, spec: { type: 'username' }, minLength: 48 },
  { test: /^(full_?name|display_?name|contact_?name|customer_?name|author|name)$/, spec: { type: 'fullName' }, minLength: 40 },
  { test: /(phone|mobile|^tel$|telephone|fax)/, spec: { type: 'phone' }, minLength: 30 },
  { test: /(zip|postal|post_?code)/, spec: { type: 'text', mode: 'postalCode' }, minLength: 10 },
  { test: /(street|address|addr)/, spec: { type: 'streetAddress' }, minLength: 60 },
  { test: /city|town/, spec: { type: 'city' }, minLength: 40 },
  { test: /country/, spec: { type: 'country' }, minLength: 40 },
  { test: /(company|organi[sz]ation|employer|vendor|supplier)/, spec: { type: 'company' }, minLength: 64 },
  { test: /(job_?title|position|occupation)/, spec: { type: 'jobTitle' }, minLength: 64 },
  { test: /(url|website|homepage|link|uri)$/, spec: { type: 'url' }, minLength: 100 },
  { test: /(^ip$|ip_?addr|ip_address|remote_addr)/, spec: { type: 'ip' }, minLength: 15 },
  { test: /(title|product_?name|label|headline|subject)/, spec: { type: 'text', mode: 'productName' }, minLength: 40 },
  { test: /(description|comment|notes?|bio|body|summary|message|content|review)/, spec: { type: 'text', mode: 'sentence' }, minLength: 200 },
  { test: /(tag|keyword|category|kind|type|slug|code)/, spec: { type: 'text', mode: 'word' }, minLength: 20 },
];

const GENERIC_TEXT: TextGuess = { test: /./, spec: { type: 'text', mode: 'words' }, minLength: 60 };

/** Tables whose rows are people: their `name` is a person's, their `title` a job title. */
const PERSON_TABLE = /(^|_)(users?|customers?|clients?|employees?|staff|people|persons?|members?|contacts?|authors?|students?|teachers?|patients?|drivers?|players?|owners?|accounts?|profiles?|actors?|musicians?)$/;

/**
 * What a `name` column names in tables that are not people, by the table's name. Titles of works
 * (tracks, albums, books) take a few words: product names have too few combinations for a
 * catalogue of 35,000 tracks.
 */
const THING_NAMES: { test: RegExp; spec: Omit<ColumnSpec, 'name'>; minLength: number }[] = [
  { test: /(^|_)(products?|items?|goods|articles?|skus?|courses?)$/, spec: { type: 'text', mode: 'productName' }, minLength: 40 },
  { test: /(^|_)(compan(y|ies)|organi[sz]ations?|suppliers?|vendors?|shippers?|publishers?|brands?|labels?|manufacturers?|carriers?|partners?|teams?)$/, spec: { type: 'company' }, minLength: 64 },
  { test: /(^|_)(genres?|categor(y|ies)|tags?|types?|kinds?|statuse?s?|roles?|groups?|topics?|regions?|territor(y|ies))$/, spec: { type: 'text', mode: 'word' }, minLength: 20 },
  { test: /(^|_)(artists?|bands?|tracks?|songs?|albums?|books?|films?|movies?|projects?|playlists?|events?|campaigns?|boards?|channels?|lists?|collections?|folders?|repositor(y|ies)|workspaces?)$/, spec: { type: 'text', mode: 'words' }, minLength: 60 },
];

/** `name`/`title` by table: a person's name and job title only where rows are people. */
function byTable(lower: string, table: string | undefined): { spec: Omit<ColumnSpec, 'name'>; minLength: number } | undefined {
  if (!table || !/^(name|title)$/.test(lower)) return undefined;
  const t = table.toLowerCase();
  if (PERSON_TABLE.test(t)) return lower === 'title' ? { spec: { type: 'jobTitle' }, minLength: 64 } : undefined;
  return THING_NAMES.find((g) => g.test.test(t));
}

/**
 * The realistic generator for a text column called `name` with room for `maxLength` chars
 * (Infinity: text); `table` tells what a bare `name` or `title` names.
 */
export function guessText(name: string, maxLength: number, table?: string): { spec: Omit<ColumnSpec, 'name'>; fits: boolean; guessed: boolean } {
  const lower = name.toLowerCase();
  const thing = byTable(lower, table);
  if (thing) return { spec: { ...thing.spec }, fits: thing.minLength <= maxLength, guessed: true };
  // A country in two or three characters is a code, not a name.
  if (/country/.test(lower) && maxLength >= 2 && maxLength <= 3) {
    const i = maxLength === 2 ? 0 : 1;
    return { spec: { type: 'enum', values: COUNTRY_CODES.map((c) => c[i] as string), weights: COUNTRY_CODES.map(([, , w]) => w) }, fits: true, guessed: true };
  }
  const guess = TEXT_GUESSES.find((g) => g.test.test(lower));
  const chosen = guess ?? GENERIC_TEXT;
  return { spec: { ...chosen.spec }, fits: chosen.minLength <= maxLength, guessed: guess !== undefined };
}

/** Integer ranges by name (within the column type's range). */
export function guessIntRange(name: string): { min: number; max: number; distribution?: 'zipf' } | undefined {
  const n = name.toLowerCase();
  // Integer-coded enums (Rails `enum status: {...}`, `*_type`, `kind`): a few small codes.
  if (/(^|_)(status|state|kind|type|role|level|priority|visibility|access_level|category|mode|tier|stage|phase)$/.test(n)) return { min: 0, max: 4, distribution: 'zipf' };
  if (/_cents$/.test(n)) return { min: 50, max: 500_000, distribution: 'zipf' };
  if (/(percent|percentage|pct)$/.test(n)) return { min: 0, max: 100 };
  if (/(^|_)zoom(_level)?$/.test(n)) return { min: 0, max: 20 };
  if (/(^|_)(position|sort_order|ordinal|rank|display_order)$/.test(n)) return { min: 0, max: 100 };
  if (/(^|_)(lat|latitude)$/.test(n)) return { min: -90, max: 90 };
  if (/(^|_)(lng|lon|longitude)$/.test(n)) return { min: -180, max: 180 };
  if (/(^|_)(minutes|mins)$/.test(n)) return { min: 1, max: 600, distribution: 'zipf' };
  if (/(^|_)(hours|hrs)$/.test(n)) return { min: 1, max: 48, distribution: 'zipf' };
  if (/(^|_)(days)$/.test(n)) return { min: 1, max: 365, distribution: 'zipf' };
  if (/^age$|_age$/.test(n)) return { min: 18, max: 90 };
  if (/(quantity|qty|count|units|items)/.test(n)) return { min: 1, max: 20, distribution: 'zipf' };
  if (/(rating|stars|score)/.test(n)) return { min: 1, max: 5 };
  if (/year/.test(n)) return { min: 1990, max: 2025 };
  if (/(stock|inventory)/.test(n)) return { min: 0, max: 5000, distribution: 'zipf' };
  if (/(duration|seconds|millis|_ms$)/.test(n)) return { min: 1, max: 60_000, distribution: 'zipf' };
  return undefined;
}

/** Decimal ranges by name (money-like columns). */
export function guessDecimalRange(name: string): { min: number; max: number } | undefined {
  const n = name.toLowerCase();
  if (/(price|amount|total|cost|balance|fee|salary|revenue|budget|paid|subtotal)/.test(n)) return { min: 1, max: 1000 };
  if (/(percent|percentage|pct)$/.test(n)) return { min: 0, max: 100 };
  if (/(rate|ratio|discount)/.test(n)) return { min: 0, max: 1 };
  if (/(lat|latitude)$/.test(n)) return { min: -90, max: 90 };
  if (/(lng|lon|longitude)$/.test(n)) return { min: -180, max: 180 };
  return undefined;
}

/** Date/timestamp ranges by name. */
export function guessTimeRange(name: string, date: boolean): { from: string; to: string } {
  const n = name.toLowerCase();
  if (/(birth|dob)/.test(n)) return { from: '1950-01-01', to: '2007-12-31' };
  if (date) return { from: '2020-01-01', to: '2025-12-31' };
  return { from: '2020-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z' };
}

/** Stems of a row's first instant, and of the instants named to come after it (`orEqual`: may be the same). */
const ORDERED_STEMS: { first: RegExp; later: RegExp; orEqual: boolean }[] = [
  { first: /^(created|inserted|added)$/, later: /^(updated|modified|changed|edited)$/, orEqual: true },
  { first: /^(starts?|started|begins?|began|opens?|opened)$/, later: /^(ends?|ended|finish(es|ed)?|closes?|closed|stops?|stopped)$/, orEqual: false },
  { first: /^(valid_from|effective_from|available_from)$/, later: /^(valid_(to|until)|effective_(to|until)|available_(to|until))$/, orEqual: false },
];
const INSTANT_SUFFIX = /^(.*?)(_at|_on|_date|_time|_ts|at|on)?$/;

/**
 * Columns a row's names order: `created_at ≤ updated_at`, `starts_at < ends_at`,
 * `start_date < end_date`, `valid_from < valid_to` (same prefix and suffix on both sides). Each
 * entry is a later column and the earlier one it follows, the form of an `a < b` CHECK.
 */
export function orderedByName(names: string[]): { column: string; other: string; orEqual: boolean }[] {
  const parts = names.map((name) => {
    const [, body = '', suffix = ''] = INSTANT_SUFFIX.exec(name.toLowerCase()) ?? [];
    return { name, suffix, body };
  });
  const out: { column: string; other: string; orEqual: boolean }[] = [];
  for (const a of parts) {
    for (const b of parts) {
      if (a === b || a.suffix !== b.suffix) continue;
      for (const stems of ORDERED_STEMS) {
        const first = splitStem(a.body, stems.first);
        const later = splitStem(b.body, stems.later);
        if (first !== null && later !== null && first === later) out.push({ column: b.name, other: a.name, orEqual: stems.orEqual });
      }
    }
  }
  return out;
}

/** The prefix before a stem that ends the name body (`trip_start` → `trip_`), or null. */
function splitStem(body: string, stem: RegExp): string | null {
  for (let i = 0; i <= body.length; i++) {
    if ((i === 0 || body[i - 1] === '_') && stem.test(body.slice(i))) return body.slice(0, i);
  }
  return null;
}
