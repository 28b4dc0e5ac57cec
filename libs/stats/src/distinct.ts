/** HyperLogLog precision: 2^14 registers, standard error 1.04 / √16384 ≈ 0.81 %. */
const P = 14;
const M = 1 << P;
const ALPHA = 0.7213 / (1 + 1.079 / M);

/** 32-bit FNV-1a followed by murmur3's finaliser (FNV alone avalanches poorly in the low bits). */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Minimal HyperLogLog (with the small-range linear-counting correction). */
class HyperLogLog {
  private readonly registers = new Uint8Array(M);

  add(value: string): void {
    const h = hash32(value);
    const idx = h >>> (32 - P);
    const rest = (h << P) >>> 0;
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers[idx]!) this.registers[idx] = rank;
  }

  merge(other: HyperLogLog): void {
    for (let i = 0; i < M; i++) if (other.registers[i]! > this.registers[i]!) this.registers[i] = other.registers[i]!;
  }

  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      sum += 2 ** -this.registers[i]!;
      if (this.registers[i] === 0) zeros++;
    }
    const raw = (ALPHA * M * M) / sum;
    return raw <= 2.5 * M && zeros > 0 ? Math.round(M * Math.log(M / zeros)) : Math.round(raw);
  }
}

/**
 * Distinct count: exact (a Set) while at most `limit` values were seen; past it the values move
 * into a HyperLogLog and the count becomes an estimate (±0.81 % standard error), so memory stays
 * bounded (16 KB) whatever the cardinality. `exact` tells which one a result is.
 */
export class BoundedDistinct {
  private set: Set<string> | undefined = new Set();
  private hll: HyperLogLog | undefined;

  constructor(private readonly limit: number) {}

  get exact(): boolean {
    return this.set !== undefined;
  }

  add(value: string): void {
    if (this.set) {
      this.set.add(value);
      if (this.set.size > this.limit) this.spill();
    } else this.hll!.add(value);
  }

  merge(other: BoundedDistinct): void {
    if (other.set) for (const v of other.set) this.add(v);
    else {
      if (this.set) this.spill();
      this.hll!.merge(other.hll!);
    }
  }

  count(): number {
    return this.set ? this.set.size : this.hll!.estimate();
  }

  private spill(): void {
    const hll = new HyperLogLog();
    for (const v of this.set!) hll.add(v);
    this.set = undefined;
    this.hll = hll;
  }
}
