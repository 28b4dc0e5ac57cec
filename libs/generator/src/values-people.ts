import { type ColumnCompiler, plainIf } from './column.js';
import {
  COUNTRIES,
  DOMAIN_SUFFIX,
  FEMALE_FIRST,
  MALE_FIRST,
  FREE_EMAIL,
  JOB_AREA,
  JOB_DESCRIPTOR,
  JOB_TYPE,
  LAST,
  LEGAL_ENTITY,
  WORDS,
} from './dictionaries.js';
import { FeistelPermutation } from './feistel.js';
import type { ByteSink } from './byte-sink.js';
import type { Rng } from './hash.js';
import type { RowContext } from './row-context.js';

const BLOCK = 65_536;

/**
 * Bijective, random-looking numeric suffix of a row index: the index's block of 65,536 is kept
 * and the position inside it permuted, so small tables get small numbers and distinct rows never
 * share a suffix. Appended to a letters-only base, it makes email/username unique by construction.
 */
function uniqueSuffix(key: number): (k: number) => number {
  const perm = new FeistelPermutation(BLOCK, key);
  return (k) => {
    const within = k % BLOCK;
    return k - within + perm.apply16(within) + 1;
  };
}

function localPart(row: RowContext, r: Rng): string {
  switch (r.below(4)) {
    case 0:
      return `${row.firstLc}.${row.lastLc}`;
    case 1:
      return `${row.firstLc}_${row.lastLc}`;
    case 2:
      return `${row.firstLc.charAt(0)}${row.lastLc}`;
    default:
      return `${row.firstLc}${row.lastLc}`;
  }
}

/** `localPart` written as bytes (same draw). */
function writeLocalPart(row: RowContext, r: Rng, out: ByteSink): void {
  const form = r.below(4);
  if (form === 2) out.str(row.firstLc.charAt(0));
  else out.str(row.firstLc);
  if (form === 0) out.str('.');
  else if (form === 1) out.str('_');
  out.str(row.lastLc);
}

const AT_FREE_EMAIL = FREE_EMAIL.map((d) => `@${d}`);

/** email: the row's person + a free-mail domain; unique columns end the local part in a bijective suffix. */
export const emailColumn: ColumnCompiler = ({ col, random, keyOffset }) => {
  const suffix = col.unique || col.primaryKey ? uniqueSuffix(random.key) : undefined;
  return {
    kind: 'plain',
    value: (row) => {
      const r = random.at(row.person());
      const base = localPart(row, r);
      const domain = r.pick(AT_FREE_EMAIL);
      if (suffix) return base + suffix(row.k + keyOffset) + domain;
      return r.below(4) === 0 ? base + r.below(100) + domain : base + domain;
    },
    write: (row, out) => {
      const r = random.at(row.person());
      writeLocalPart(row, r, out);
      const domain = r.pick(AT_FREE_EMAIL);
      if (suffix) out.num(suffix(row.k + keyOffset));
      else if (r.below(4) === 0) out.num(r.below(100));
      out.str(domain);
      return true;
    },
  };
};

export const usernameColumn: ColumnCompiler = ({ col, random, keyOffset }) => {
  const suffix = col.unique || col.primaryKey ? uniqueSuffix(random.key) : undefined;
  return {
    kind: 'plain',
    value: (row) => {
      const r = random.at(row.person());
      const base = r.below(2) === 0 ? `${row.firstLc}${row.lastLc}` : `${row.firstLc}_${row.lastLc}`;
      if (suffix) return `${base}${suffix(row.k + keyOffset)}`;
      return r.below(2) === 0 ? base : `${base}${r.below(1000)}`;
    },
    write: (row, out) => {
      const r = random.at(row.person());
      const joined = r.below(2) === 0;
      out.str(row.firstLc);
      if (!joined) out.str('_');
      out.str(row.lastLc);
      if (suffix) out.num(suffix(row.k + keyOffset));
      else if (r.below(2) !== 0) out.num(r.below(1000));
      return true;
    },
  };
};

// The row's drawn words, written straight from the row: no value call, no type dispatch per cell.
export const firstNameColumn: ColumnCompiler = () => ({
  kind: plainIf(FEMALE_FIRST, MALE_FIRST),
  value: (row) => row.person().first,
  write: (row, out) => (out.str(row.person().first), true),
});
export const lastNameColumn: ColumnCompiler = () => ({
  kind: plainIf(LAST),
  value: (row) => row.person().last,
  write: (row, out) => (out.str(row.person().last), true),
});
export const fullNameColumn: ColumnCompiler = () => ({
  kind: plainIf(FEMALE_FIRST, MALE_FIRST, LAST),
  value: (row) => {
    const p = row.person();
    return `${p.first} ${p.last}`;
  },
});
export const countryColumn: ColumnCompiler = () => ({
  kind: plainIf(COUNTRIES),
  value: (row) => row.location().country,
  write: (row, out) => (out.str(row.location().country), true),
});

export const companyColumn: ColumnCompiler = ({ random }) => ({
  kind: 'text',
  value: (row) => {
    const r = random.at(row);
    switch (r.below(3)) {
      case 0:
        return `${r.pick(LAST)}-${r.pick(LAST)}`;
      case 1:
        return `${r.pick(LAST)} ${r.pick(LEGAL_ENTITY)}`;
      default:
        return `${r.pick(LAST)}, ${r.pick(LAST)} and ${r.pick(LAST)}`;
    }
  },
  // The same pieces and draws, unescaped: the encoder quotes the "A, B and C" form in place.
  write: (row, out) => {
    const r = random.at(row);
    const form = r.below(3);
    out.str(r.pick(LAST));
    if (form === 0) {
      out.byte(45); // -
      out.str(r.pick(LAST));
    } else if (form === 1) {
      out.byte(32); // space
      out.str(r.pick(LEGAL_ENTITY));
    } else {
      out.str(', ');
      out.str(r.pick(LAST));
      out.str(' and ');
      out.str(r.pick(LAST));
    }
    return true;
  },
});

export const jobTitleColumn: ColumnCompiler = ({ random }) => ({
  kind: plainIf(JOB_DESCRIPTOR, JOB_AREA, JOB_TYPE),
  value: (row) => {
    const r = random.at(row);
    return `${r.pick(JOB_DESCRIPTOR)} ${r.pick(JOB_AREA)} ${r.pick(JOB_TYPE)}`;
  },
  write: (row, out) => {
    const r = random.at(row);
    out.str(r.pick(JOB_DESCRIPTOR));
    out.str(' ');
    out.str(r.pick(JOB_AREA));
    out.str(' ');
    out.str(r.pick(JOB_TYPE));
    return true;
  },
});

export const urlColumn: ColumnCompiler = ({ random }) => ({
  kind: 'plain',
  value: (row) => {
    const r = random.at(row);
    const host = `${r.pick(WORDS)}${r.below(2) ? '-' : ''}${r.pick(WORDS)}.${r.pick(DOMAIN_SUFFIX)}`;
    return `https://www.${host}/${r.pick(WORDS)}/${r.pick(WORDS)}`;
  },
});

export const ipColumn: ColumnCompiler = ({ random }) => ({
  kind: 'plain',
  value: (row) => {
    const r = random.at(row);
    const x = r.u32();
    // First octet 1..223: public-looking unicast, never 0.x or multicast/reserved.
    return `${1 + ((x >>> 24) % 223)}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
  },
});
