/** 0001-01-01 and 9999-12-31T23:59:59.999Z (Date.UTC would map year 1 to 1901). */
export const MIN_INSTANT = -62135596800000;
export const MAX_INSTANT = 253402300799999;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses an ISO 8601 date or date-time (UTC unless an offset is given) to epoch ms; NaN if invalid. */
export function parseIsoInstant(value: string): number {
  if (!ISO_DATE.test(value)) return NaN;
  const withZone = value.length === 10 || /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  return Date.parse(withZone.length === 10 ? `${withZone}T00:00:00Z` : withZone.replace(' ', 'T'));
}

