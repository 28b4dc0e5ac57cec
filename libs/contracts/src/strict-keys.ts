import { ValidationError } from './errors.js';

/** Levenshtein distance, small strings only (key names). */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * The closest allowed name to a misspelt one (case-insensitive match first, then edit distance
 * ≤ 2 or a third of the length), or undefined when nothing is close enough to suggest.
 */
export function didYouMean(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const exact = allowed.find((a) => a.toLowerCase() === lower);
  if (exact) return exact;
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = distance(lower, a.toLowerCase());
    if (d < bestD) [best, bestD] = [a, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * Refuses keys that are not in `allowed`: a typo such as `sed` or `chunksize` must be an error,
 * not silently ignored (the user would get defaults they did not ask for). `path` is the field
 * prefix for the message (`''` for a top-level body or query string).
 */
export function rejectUnknownKeys(obj: object, allowed: readonly string[], path = ''): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const field = path ? `${path}.${key}` : key;
    const hint = didYouMean(key, allowed);
    throw new ValidationError(field, `unknown key${hint ? `; did you mean "${hint}"?` : ''} (allowed: ${allowed.join(', ')})`);
  }
}
