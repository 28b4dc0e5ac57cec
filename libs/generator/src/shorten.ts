/** Characters a shortened value may not end on: "Lake Elizabeth" in 5 is "Lake", not "Lake ". */
const TRAILING = /[\s.,;:@/_-]+$/u;

/**
 * `value` in at most `max` characters (code points, as PostgreSQL counts a varchar's length).
 * A realistic value is cut at its last word boundary within the limit when that keeps at least
 * half of it ("Port Elizabeth Harbour" in 16 → "Port Elizabeth"), otherwise at the limit; separators left at the
 * end are dropped. A pure function of the value, so shortening keeps every determinism property
 * of the column it wraps.
 */
export function shorten(value: string, max: number): string {
  if (value.length <= max) return value;
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  const cut = chars.slice(0, max).join('');
  const boundary = chars[max] === ' ' ? cut.length : cut.lastIndexOf(' ');
  const word = boundary >= Math.ceil(cut.length / 2) ? cut.slice(0, boundary) : cut;
  return word.replace(TRAILING, '') || cut;
}
