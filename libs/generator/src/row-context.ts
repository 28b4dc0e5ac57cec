import {
  CITIES_BY_COUNTRY,
  COUNTRIES,
  COUNTRY_CUMULATIVE,
  FEMALE_FIRST,
  FEMALE_FIRST_LC,
  LAST,
  LAST_LC,
  MALE_FIRST,
  MALE_FIRST_LC,
  weightedIndex,
} from './dictionaries.js';
import { cellSeed, Rng, streamKey, TWO32 } from './hash.js';

/**
 * The row being generated plus its lazily drawn entities. A *person* (first/last name) and a
 * *location* (country → city) are seeded by (seed, table, entity, row), not by any column, so
 * name/email/username agree with each other and removing one of them changes no other column.
 */
export class RowContext {
  /** Row index (0-based, absolute: offset included). */
  k = -1;
  /** Row index as two 32-bit words, for hashing. */
  lo = 0;
  hi = 0;

  first = '';
  firstLc = '';
  last = '';
  lastLc = '';
  country = '';
  city = '';
  /** Index of the location's country in the entity's country list (and in the country table). */
  countryIndex = 0;

  private personAt = -1;
  private locationAt = -1;
  private readonly personKey: number;
  private readonly locationKey: number;
  private readonly rng = new Rng();

  constructor(seed: number, table: string) {
    this.personKey = streamKey(seed, table, '\u0000person');
    this.locationKey = streamKey(seed, table, '\u0000location');
  }

  setRow(k: number): void {
    this.k = k;
    this.lo = k >>> 0;
    this.hi = Math.floor(k / TWO32) >>> 0;
  }

  /** Draws the row's person once; later calls in the same row are free. */
  person(): this {
    if (this.personAt === this.k) return this;
    this.personAt = this.k;
    const r = this.rng.seed(cellSeed(this.personKey, this.lo, this.hi));
    const female = r.u32() & 1;
    const fi = r.below(female ? FEMALE_FIRST.length : MALE_FIRST.length);
    this.first = (female ? FEMALE_FIRST : MALE_FIRST)[fi] as string;
    this.firstLc = (female ? FEMALE_FIRST_LC : MALE_FIRST_LC)[fi] as string;
    const li = r.below(LAST.length);
    this.last = LAST[li] as string;
    this.lastLc = LAST_LC[li] as string;
    return this;
  }

  /** Draws the row's location (a city of the drawn country) once per row. */
  location(): this {
    if (this.locationAt === this.k) return this;
    this.locationAt = this.k;
    const r = this.rng.seed(cellSeed(this.locationKey, this.lo, this.hi));
    const ci = weightedIndex(COUNTRY_CUMULATIVE, r.float());
    this.countryIndex = ci;
    this.country = COUNTRIES[ci] as string;
    this.city = r.pick(CITIES_BY_COUNTRY[ci] as string[]);
    return this;
  }
}
