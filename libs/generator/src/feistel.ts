import { fmix, mix, TWO32 } from './hash.js';

const ROUNDS = 4;

/**
 * Keyed bijection on [0, n) (n <= 2^52): a balanced Feistel network over the smallest even
 * bit width covering n, with cycle-walking to stay inside [0, n). Used for unique columns:
 * distinct row indexes always map to distinct values, with no memory of values seen.
 */
export class FeistelPermutation {
  private readonly half: number;
  private readonly mask: number;
  private readonly base: number;
  private readonly keys: number[];

  constructor(
    readonly size: number,
    key: number,
  ) {
    if (!(size >= 1 && size <= 2 ** 52)) throw new RangeError(`Feistel domain must be in [1, 2^52], got ${size}`);
    const bits = Math.max(2, Math.ceil(Math.log2(size)));
    this.half = Math.ceil(bits / 2);
    this.base = 2 ** this.half;
    this.mask = this.base - 1;
    this.keys = Array.from({ length: ROUNDS }, (_, i) => fmix(mix(key, i + 1)));
  }

  /** The image of `x` (0 <= x < size). */
  apply(x: number): number {
    do x = this.once(x);
    while (x >= this.size);
    return x;
  }

  /** Same as `apply` for a 2^16 domain (no cycle-walking), with bit operations: the email/username hot path. */
  apply16(x: number): number {
    let l = x >>> 8;
    let r = x & 255;
    const keys = this.keys;
    for (let i = 0; i < ROUNDS; i++) {
      const t = r;
      r = l ^ (fmix(mix(keys[i] as number, r)) & 255);
      l = t;
    }
    return (l << 8) | r;
  }

  private once(x: number): number {
    let l = Math.floor(x / this.base);
    let r = x % this.base;
    for (let i = 0; i < ROUNDS; i++) {
      const f = fmix(mix(this.keys[i] as number, r)) & this.mask;
      const t = r;
      r = (l ^ f) >>> 0;
      l = t;
    }
    return l * this.base + r;
  }
}

/**
 * Keyed bijection of a row index (< 2^53) onto 56 bits, returned as two 28-bit halves; uuid
 * columns place them in 56 of their free bits, so distinct rows give distinct uuids.
 */
export function feistel56(k: number, keys: readonly number[], out: Uint32Array): void {
  const half = 0x10000000; // 2^28
  let l = Math.floor(k / half) % half;
  let r = k % half;
  for (let i = 0; i < keys.length; i++) {
    const f = fmix(mix(keys[i] as number, r)) & (half - 1);
    const t = r;
    r = (l ^ f) >>> 0;
    l = t;
  }
  out[0] = l;
  out[1] = r;
}

/** Bits of a Number (max 2^53) as two 32-bit words. */
export function splitIndex(k: number): [number, number] {
  return [k >>> 0, Math.floor(k / TWO32) >>> 0];
}
