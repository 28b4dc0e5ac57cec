import { DEFAULT_CHAR_LENGTH, DEFAULT_VECTOR_DIMENSIONS, FREE_TEXT_MODES } from '@rowflow/schema';
import type { ColumnCompiler } from './column.js';
import { cumulative, PRODUCT, PRODUCT_ADJECTIVE, PRODUCT_MATERIAL, weightedIndex, WORDS } from './dictionaries.js';
import { feistel56 } from './feistel.js';
import { fmix, mix, type Rng } from './hash.js';
import { drawLength, textOfLength } from './values-text-lengths.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(x: number): string {
  return HEX[(x >>> 24) & 255]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
}

/** RFC 4122 v4 layout from four 32-bit words (version nibble 4, variant 10xx). */
function formatUuid(a: number, b: number, c: number, d: number): string {
  const w1 = hex32(a);
  const w2 = hex32((b & 0xffff0fff) | 0x4000);
  const w3 = hex32((c & 0x3fffffff) | 0x80000000);
  const w4 = hex32(d);
  return `${w1}-${w2.slice(0, 4)}-${w2.slice(4)}-${w3.slice(0, 4)}-${w3.slice(4)}${w4}`;
}

/**
 * uuid. Unique columns put a keyed 56-bit bijection of the row index into bits the version and
 * variant leave alone (a: 32 bits, b's top 16 and low 8 bits), so no two rows collide.
 */
export const uuidColumn: ColumnCompiler = ({ col, random, keyOffset }) => {
  if (!(col.unique || col.primaryKey)) {
    return { kind: 'plain', value: (row) => {
      const r = random.at(row);
      return formatUuid(r.u32(), r.u32(), r.u32(), r.u32());
    } };
  }
  const keys = [1, 2, 3, 4].map((i) => fmix(mix(random.key, i)));
  const halves = new Uint32Array(2);
  return {
    kind: 'plain',
    value: (row) => {
      feistel56(row.k + keyOffset, keys, halves);
      const r = random.at(row);
      const [l, h] = [halves[0]!, halves[1]!];
      const a = ((l << 4) | (h >>> 24)) >>> 0; // 28 + 4 bits
      const b = (((h >>> 8) & 0xffff) << 16) | (r.u32() & 0x0f00) | (h & 0xff); // 16 + 8 bits, version nibble free
      return formatUuid(a, b >>> 0, r.u32(), r.u32());
    },
  };
};

function sentence(r: Rng): string {
  const n = 5 + r.below(10);
  let out = r.pick(WORDS);
  out = out.charAt(0).toUpperCase() + out.slice(1);
  for (let i = 1; i < n; i++) out += ` ${r.pick(WORDS)}`;
  return `${out}.`;
}

export const textColumn: ColumnCompiler = ({ col, random }) => {
  const mode = col.mode ?? 'words';
  const lengths = col.profile?.lengths;
  if (lengths && FREE_TEXT_MODES.includes(mode)) {
    // Profiled free text: the source's lengths decide each value's, the words are lorem.
    const sentences = mode !== 'words';
    return {
      kind: 'text',
      value: (row) => {
        const r = random.at(row);
        return textOfLength(drawLength(lengths, r), sentences, r);
      },
    };
  }
  return {
    kind: 'text',
    value: (row) => {
      const r = random.at(row);
      switch (mode) {
        case 'word':
          return r.pick(WORDS);
        case 'sentence':
          return sentence(r);
        case 'paragraph': {
          let out = sentence(r);
          for (let i = 2 + r.below(4); i > 0; i--) out += ` ${sentence(r)}`;
          return out;
        }
        case 'productName':
          return `${r.pick(PRODUCT_ADJECTIVE)} ${r.pick(PRODUCT_MATERIAL)} ${r.pick(PRODUCT)}`;
        default:
          return `${r.pick(WORDS)} ${r.pick(WORDS)} ${r.pick(WORDS)}`;
      }
    },
  };
};

export const enumColumn: ColumnCompiler = ({ col, random }) => {
  const values = col.values ?? [''];
  const cum = cumulative(col.weights ?? values.map(() => 1));
  return { kind: 'text', value: (row) => values[weightedIndex(cum, random.at(row).float())]! };
};

const SOURCES = ['web', 'ios', 'android', 'api', 'email', 'partner'];

/** json: a small realistic object (tags, score, flag, source, version); ASCII words, no escaping. */
export const jsonColumn: ColumnCompiler = ({ random }) => ({
  kind: 'json',
  value: (row) => {
    const r = random.at(row);
    const tags: string[] = [];
    for (let i = r.below(4); i > 0; i--) tags.push(`"${r.pick(WORDS)}"`);
    const score = Math.round(r.float() * 1000) / 1000;
    return `{"tags":[${tags.join(',')}],"score":${score},"active":${r.below(2) === 1},"source":"${r.pick(SOURCES)}","version":${1 + r.below(5)}}`;
  },
});

/** vector(N): pgvector text format `[x,y,…]`, 4 decimals, elements in [min, max] (default [-1, 1]). */
export const vectorColumn: ColumnCompiler = ({ col, random }) => {
  const dims = col.dimensions ?? DEFAULT_VECTOR_DIMENSIONS;
  const min = col.min ?? -1;
  const span = (col.max ?? 1) - min;
  return {
    kind: 'json',
    value: (row) => {
      const r = random.at(row);
      let out = '[';
      for (let i = 0; i < dims; i++) out += (i ? ',' : '') + String(Math.round((min + r.float() * span) * 1e4) / 1e4);
      return `${out}]`;
    },
  };
};

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** char(n): n random upper-case letters/digits, or '' in `blank` mode (PostgreSQL pads with spaces, like pgbench). */
export const charColumn: ColumnCompiler = ({ col, random }) => {
  const len = col.length ?? DEFAULT_CHAR_LENGTH;
  if (col.mode === 'blank') return { kind: 'text', value: () => '' };
  return {
    kind: 'plain',
    value: (row) => {
      const r = random.at(row);
      let out = '';
      for (let i = 0; i < len; i++) out += ALNUM.charAt(r.below(36));
      return out;
    },
  };
};
