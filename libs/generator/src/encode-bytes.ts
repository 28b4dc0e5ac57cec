import { ByteSink } from './byte-sink.js';
import { byteWriterOf, type CellKind, type CompiledColumn } from './column.js';
import { csvField } from './encode.js';
import type { RowContext } from './row-context.js';

/** Writes one row's bytes into the sink; same bytes as the string encoder of the same format. */
export type ByteRowEncoder = (row: RowContext, out: ByteSink) => void;

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/**
 * Literal bytes per row written as constant stores in the generated function; past this, a
 * literal is copied by `o.lit`. NDJSON keys are most of a row's bytes and a call per key cost
 * more than the key itself (the generator runs with --optimize-for-size, which inlines little);
 * the cap keeps a many-column table's function under V8's size limit for optimized code.
 */
const INLINE_LITERAL_BYTES = 2048;

/**
 * Source of the literal runs of one generated row writer: constant byte stores while the budget
 * lasts, then `o.lit(L[i])` of a parameter array. The stores check no room: the row writer
 * reserves `inlined` bytes (every inlined literal of the row, all branches) with `o.room`, which
 * makes every later `ensure` keep that much spare (see ByteSink.room). Stores go through locals
 * `b` (buffer) and `p` (position), reloaded each time because a value write may move the batch.
 */
class Literals {
  readonly params: Uint8Array[] = [];
  inlined = 0;

  /** Source writing the UTF-8 bytes of `s` (empty for an empty string). */
  write(s: string): string {
    const b = bytes(s);
    const n = b.length;
    if (n === 0) return '';
    if (this.inlined + n > INLINE_LITERAL_BYTES) {
      this.params.push(b);
      return `o.lit(L[${this.params.length - 1}]);`;
    }
    this.inlined += n;
    const stores = Array.from(b, (c, j) => `b[p${j === 0 ? '' : ` + ${j}`}] = ${c};`).join(' ');
    return `b = o.buf; p = o.pos; ${stores} o.pos = p + ${n};`;
  }
}

/**
 * Source writing a non-null value `v` of a kind as `'' + v` would: the type test is inline, so
 * each column's call goes to the one writer its values need (one call site per column keeps it
 * monomorphic), instead of a shared `o.raw` dispatching on every kind.
 */
function valueSource(kind: CellKind, lits: Literals): string {
  switch (kind) {
    case 'number':
      return `if (typeof v === 'number') o.num(v); else o.raw(v);`;
    case 'boolean':
      return `if (v === true) { ${lits.write('true')} } else if (v === false) { ${lits.write('false')} } else o.raw(v);`;
    case 'plain':
    case 'text':
    case 'json':
      return `if (typeof v === 'string') o.str(v); else o.raw(v);`;
  }
}

/** Source of one CSV cell (its separator first): writing is decided per column kind here, once, not per value. */
function csvCell(c: CompiledColumn, i: number, hasWriter: boolean, lits: Literals): string {
  const sep = lits.write(i === 0 ? '' : ',');
  const escaped = c.kind === 'text' || c.kind === 'json';
  // A text writer's raw bytes are quoted in place afterwards, only when the field needs it.
  if (hasWriter) return c.kind === 'text' ? `${sep} m = o.pos - o.start; if (w${i}(row, o)) o.csvFrom(m);` : `${sep} w${i}(row, o);`;
  return `v = f${i}(row); ${sep} if (v !== null) { ${escaped ? 'o.csv(v, csvField);' : valueSource(c.kind, lits)} }`;
}

/** Source of one NDJSON member (`,"name":value`); plain strings fold their quotes into the literals. */
function ndjsonCell(c: CompiledColumn, i: number, hasWriter: boolean, lits: Literals): string {
  const key = `${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`;
  if (!hasWriter) {
    const open = c.kind === 'plain' ? `${key}"` : key;
    const value = c.kind === 'text' ? 'o.json(v);' : valueSource(c.kind, lits);
    const close = c.kind === 'plain' ? lits.write('"') : '';
    return `v = f${i}(row); if (v === null) { ${lits.write(`${key}null`)} } else { ${lits.write(open)} ${value} ${close} }`;
  }
  switch (c.kind) {
    case 'number':
    case 'boolean':
    case 'json':
      return `${lits.write(key)} if (!w${i}(row, o)) { ${lits.write('null')} }`;
    case 'plain':
      // The opening quote is already written when the writer reports NULL: step back over it.
      return `${lits.write(`${key}"`)} if (w${i}(row, o)) { ${lits.write('"')} } else { o.pos--; ${lits.write('null')} }`;
    case 'text':
      // Raw bytes after the opening quote; text that JSON would escape is rewritten from the value.
      return `${lits.write(`${key}"`)} m = o.pos - o.start; if (!w${i}(row, o)) { o.pos--; ${lits.write('null')} } else if (!o.jsonFrom(m)) { o.pos = o.start + m - 1; o.json(f${i}(row)); }`;
  }
}

type CellSource = (c: CompiledColumn, i: number, hasWriter: boolean, lits: Literals) => string;

/**
 * Builds a row writer as one generated function (new Function over fixed templates: column names
 * only reach it as byte values, numbers in the source). One call site per column keeps each value
 * call monomorphic; literals are written from bytes computed once.
 */
function generate(columns: CompiledColumn[], cell: CellSource, close: string): ByteRowEncoder {
  const writers = columns.map(byteWriterOf);
  const lits = new Literals();
  const lines = columns.map((c, i) => cell(c, i, writers[i] !== undefined, lits));
  const end = lits.write(close);
  const names = columns.flatMap((_, i) => [`f${i}`, `w${i}`]);
  const args = columns.flatMap((c, i) => [c.value, writers[i]]);
  const src = `return function encodeRowBytes(row, o) {\nlet v, m, b, p;\no.room(${lits.inlined});\n${lines.join('\n')}\n${end}\n};`;
  return factoryOf(src, names)(csvField, lits.params, ...args);
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
  // The source names every parameter it uses (f0…, w0…), so it alone identifies the factory.
  let f = factories.get(src);
  if (!f) {
    if (factories.size >= MAX_FACTORIES) factories.delete(factories.keys().next().value!);
    f = new Function('csvField', 'L', ...names, src) as ByteEncoderFactory;
    factories.set(src, f);
  }
  return f;
}

/** Byte form of `csvEncoder`: one CSV line per row, NULL as an empty unquoted field. */
export function csvByteEncoder(columns: CompiledColumn[]): ByteRowEncoder {
  return generate(columns, csvCell, '\n');
}

/** Byte form of `ndjsonEncoder`: one JSON object per line, keys in spec order. */
export function ndjsonByteEncoder(columns: CompiledColumn[]): ByteRowEncoder {
  return generate(columns, ndjsonCell, '}\n');
}

export { ByteSink };
