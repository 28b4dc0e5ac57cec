import type { Rng } from './hash.js';
import { WORDS } from './dictionaries.js';

/** Lorem words by length, so the last word of a value can fill its remaining room exactly. */
const BY_LENGTH: string[][] = [];
for (const w of WORDS) (BY_LENGTH[w.length] ??= []).push(w);

/**
 * A length drawn from ascending equi-depth quantiles: a bucket between two neighbours at random,
 * a length uniform inside it — the same model as a numeric histogram, so the drawn lengths have
 * the quantiles' distribution.
 */
export function drawLength(quantiles: readonly number[], r: Rng): number {
  if (quantiles.length === 1) return quantiles[0] as number;
  const pos = r.float() * (quantiles.length - 1);
  const i = Math.floor(pos);
  const lo = quantiles[i] as number;
  const hi = quantiles[Math.min(i + 1, quantiles.length - 1)] as number;
  return Math.round(lo + (pos - i) * (hi - lo));
}

/** A word that fits `room` characters: one of exactly that length when the dictionary has one, else a cut word. */
function fitting(room: number, r: Rng): string {
  const exact = BY_LENGTH[room];
  if (exact?.length) return r.pick(exact);
  return r.pick(WORDS).padEnd(room, 'a').slice(0, room);
}

/**
 * Lorem text of exactly `length` characters: words (sentences of 5–14 words, capitalised and
 * ended by a full stop, when `sentences`), the last word chosen or cut to fill the room left. A
 * pure function of the draws, so it keeps the column's determinism.
 */
export function textOfLength(length: number, sentences: boolean, r: Rng): string {
  let out = '';
  let left = sentences ? 5 + r.below(10) : Infinity;
  let start = true;
  while (out.length < length) {
    const room = length - out.length - (out.length > 0 ? 1 : 0);
    if (room <= 0) return out + (sentences ? '.' : 'a');
    let word = r.pick(WORDS);
    // A word that would leave a room of one character (too short for a word after a space) or overflow is replaced by one that fills it.
    const last = word.length >= room - 1;
    if (last) word = fitting(room, r);
    if (start && sentences) word = word.charAt(0).toUpperCase() + word.slice(1);
    start = false;
    if (sentences && --left === 0 && !last && word.length + 1 <= room - 2) {
      word += '.';
      left = 5 + r.below(10);
      start = true;
    }
    out += out.length > 0 ? ` ${word}` : word;
  }
  return out;
}
