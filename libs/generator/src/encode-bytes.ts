import { ByteSink } from './byte-sink.js';
import { byteWriterOf, type CompiledColumn } from './column.js';
import { csvField } from './encode.js';
import type { RowContext } from './row-context.js';

/** Writes one row's bytes into the sink; same bytes as the string encoder of the same format. */
export type ByteRowEncoder = (row: RowContext, out: ByteSink) => void;

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** One cell: the literal written before a value, the literal written for NULL, and the value's writer. */
interface CellPlan {
  /** Bytes before a non-null value (separator, key, opening quote); may be empty. */
  before: Uint8Array;
  /** Bytes of a NULL cell (separator plus the format's NULL). */
  nul: Uint8Array;
  /** Source of the value write, `v` holding the non-null value. */
  write: string;
  /** Source of the whole cell when the column has a byte writer `w<i>` (see ByteWriter). */
  direct: string;
  /** Bytes after a non-null value (a plain string's closing quote in NDJSON); may be empty. */
  after: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** The CSV cell plan: writing is decided per column kind here, once, not per value. */
function csvPlan(c: CompiledColumn, i: number): CellPlan {
  const sep = bytes(i === 0 ? '' : ',');
  const escaped = c.kind === 'text' || c.kind === 'json';
  const lead = sep.length ? `o.lit(b${i}); ` : '';
  // A text writer's raw bytes are quoted in place afterwards, only when the field needs it.
  const direct = c.kind === 'text' ? `${lead}m = o.pos - o.start; if (w${i}(row, o)) o.csvFrom(m);` : `${lead}w${i}(row, o);`;
  return { before: sep, nul: sep, write: escaped ? 'o.csv(v, csvField)' : 'o.raw(v)', after: EMPTY, direct };
}

/** The NDJSON member plan (`,"name":value`); plain strings fold their quotes into the literals. */
function ndjsonPlan(c: CompiledColumn, i: number): CellPlan {
  const key = `${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`;
  const nul = bytes(`${key}null`);
  switch (c.kind) {
    case 'number':
    case 'boolean':
    case 'json':
      return { before: bytes(key), nul, write: 'o.raw(v)', after: EMPTY, direct: `o.lit(b${i}); if (!w${i}(row, o)) o.lit(NULL);` };
    case 'plain':
      // The opening quote is already written when the writer reports NULL: step back over it.
      return { before: bytes(`${key}"`), nul, write: 'o.raw(v)', after: bytes('"'), direct: `o.lit(b${i}); if (w${i}(row, o)) o.lit(a${i}); else { o.pos--; o.lit(NULL); }` };
    case 'text':
      // Raw bytes after the opening quote; text that JSON would escape is rewritten from the value.
      return {
        before: bytes(key),
        nul,
        write: 'o.json(v)',
        after: EMPTY,
        direct: `o.lit(b${i}); o.byte(34); m = o.pos - o.start; if (!w${i}(row, o)) { o.pos--; o.lit(NULL); } else if (!o.jsonFrom(m)) { o.pos = o.start + m - 1; o.json(f${i}(row)); }`,
      };
  }
}

/**
 * Builds a row writer as one generated function (new Function over fixed templates: column names
 * only reach it as precomputed byte arrays passed in as parameters). One call site per column
 * keeps each value call monomorphic; every literal is written from bytes computed once.
 */
function generate(columns: CompiledColumn[], plans: CellPlan[], close: string): ByteRowEncoder {
  const writers = columns.map(byteWriterOf);
  const lines = plans.map((p, i) => {
    if (writers[i]) return p.direct;
    const before = p.before.length ? `o.lit(b${i}); ` : '';
    const after = p.after.length ? ` o.lit(a${i});` : '';
    const nul = p.nul.length ? `o.lit(n${i});` : '';
    return `v = f${i}(row); if (v === null) { ${nul} } else { ${before}${p.write};${after} }`;
  });
  const names = columns.flatMap((_, i) => [`f${i}`, `w${i}`, `b${i}`, `n${i}`, `a${i}`]);
  const args = columns.flatMap((c, i) => [c.value, writers[i], plans[i]!.before, plans[i]!.nul, plans[i]!.after]);
  const src = `return function encodeRowBytes(row, o) {\nlet v, m;\n${lines.join('\n')}\no.lit(close);\n};`;
  return factoryOf(src, names)(csvField, bytes(close), bytes('null'), ...args);
}

type ByteEncoderFactory = (...a: unknown[]) => ByteRowEncoder;

/**
 * Generated factories by source text. A job asks for the same table's writer once per chunk; a
 * fresh `new Function` each time would start every chunk in the interpreter, where the cached
 * factory's closures share the warmed feedback and optimised code of the first one.
 */
const factories = new Map<string, ByteEncoderFactory>();
const MAX_FACTORIES = 256;

function factoryOf(src: string, names: string[]): ByteEncoderFactory {
  const key = `${names.length}\n${src}`;
  let f = factories.get(key);
  if (!f) {
    if (factories.size >= MAX_FACTORIES) factories.delete(factories.keys().next().value!);
    f = new Function('csvField', 'close', 'NULL', ...names, src) as ByteEncoderFactory;
    factories.set(key, f);
  }
  return f;
}

/** Byte form of `csvEncoder`: one CSV line per row, NULL as an empty unquoted field. */
export function csvByteEncoder(columns: CompiledColumn[]): ByteRowEncoder {
  return generate(columns, columns.map(csvPlan), '\n');
}

/** Byte form of `ndjsonEncoder`: one JSON object per line, keys in spec order. */
export function ndjsonByteEncoder(columns: CompiledColumn[]): ByteRowEncoder {
  return generate(columns, columns.map(ndjsonPlan), '}\n');
}

export { ByteSink };
