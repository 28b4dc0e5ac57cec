import type { ColumnSpec } from '@rowflow/contracts';

/** A realistic text generator for a column name, and the shortest varchar it fits. */
interface TextGuess {
  test: RegExp;
  spec: Omit<ColumnSpec, 'name'>;
  /** Longest value seen over 300k rows, with margin (unique suffixes grow with the row count). */
  minLength: number;
}

/** Ordered: the first match wins (`email` before `name`). */
const TEXT_GUESSES: TextGuess[] = [
  { test: /e_?mail/, spec: { type: 'email' }, minLength: 64 },
  { test: /^(first_?name|given_?name|fname|forename)$/, spec: { type: 'firstName' }, minLength: 20 },
  { test: /^(last_?name|surname|family_?name|lname)$/, spec: { type: 'lastName' }, minLength: 24 },
  { test: /^(user_?name|login|handle|nick_?name|screen_?name)$/, spec: { type: 'username' }, minLength: 48 },
  { test: /^(full_?name|display_?name|contact_?name|customer_?name|author|name)$/, spec: { type: 'fullName' }, minLength: 40 },
  { test: /(phone|mobile|^tel$|telephone|fax)/, spec: { type: 'phone' }, minLength: 30 },
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

/** The realistic generator for a text column called `name` with room for `maxLength` chars (Infinity: text). */
export function guessText(name: string, maxLength: number): { spec: Omit<ColumnSpec, 'name'>; fits: boolean; guessed: boolean } {
  const lower = name.toLowerCase();
  const guess = TEXT_GUESSES.find((g) => g.test.test(lower));
  const chosen = guess ?? GENERIC_TEXT;
  return { spec: { ...chosen.spec }, fits: chosen.minLength <= maxLength, guessed: guess !== undefined };
}

/** Integer ranges by name (within the column type's range). */
export function guessIntRange(name: string): { min: number; max: number; distribution?: 'zipf' } | undefined {
  const n = name.toLowerCase();
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
  if (/(rate|ratio|percent|pct|discount)/.test(n)) return { min: 0, max: 1 };
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
