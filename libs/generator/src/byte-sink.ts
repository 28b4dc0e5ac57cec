import type { Cell } from './column.js';

/**
 * Strings up to this length are encoded by a JS loop; longer ones by Buffer's native UTF-8
 * writer. Generated values are mostly short words and numbers, for which the call into C++
 * costs more than the bytes themselves.
 */
const LOOP_CHARS = 48;

type Utf8Writer = (this: Buffer, s: string, offset: number) => number;
/** Buffer's own UTF-8 writer without `buf.write`'s argument decoding; `buf.write` where a runtime lacks it. */
const rawUtf8Write = (Buffer.prototype as unknown as { utf8Write?: Utf8Writer }).utf8Write;
export function utf8Write(buf: Buffer, s: string, offset: number): number {
  return rawUtf8Write ? rawUtf8Write.call(buf, s, offset) : buf.write(s, offset, 'utf8');
}

/**
 * Growable output buffer that cells are written into as bytes: no per-row string is built, so
 * the encoder allocates nothing per cell beyond what the value itself is. Every writer produces
 * exactly the UTF-8 bytes of the string the string encoders (encode.ts) would have built.
 */
export class ByteSink {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  /** Where the current batch starts in `buf`. */
  start = 0;
  /** Bytes every `ensure` leaves free beyond what it was asked for (see `room`). */
  private spare = 0;

  /** Continues writing into `buf` at `pos` (a slab shared by consecutive batches). */
  open(buf: Buffer, pos: number): void {
    this.buf = buf;
    this.pos = pos;
    this.start = pos;
  }

  /** Bytes written since `open`. */
  get length(): number {
    return this.pos - this.start;
  }

  /** The batch written since `open`. */
  take(): Buffer {
    return this.buf.subarray(this.start, this.pos);
  }

  /** Room for `n` more bytes (plus the spare): a row longer than the slab moves the batch to a larger buffer. */
  ensure(n: number): void {
    if (this.pos + n + this.spare > this.buf.length) this.grow(n + this.spare);
  }

  /**
   * Room for `n` bytes now, and `n` spare after every later `ensure`. A row writer whose literals
   * total at most `n` bytes calls it first and then stores them without checking: every other
   * write goes through `ensure` and writes no more than it asked for, so between two ensures
   * only literals are written, never more than `n` bytes of them.
   */
  room(n: number): void {
    this.spare = n;
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    const used = this.pos - this.start;
    const bigger = Buffer.allocUnsafe(Math.max(2 * (used + n), 65_536));
    this.buf.copy(bigger, 0, this.start, this.pos);
    this.buf = bigger;
    this.start = 0;
    this.pos = used;
  }

  /** Precomputed bytes (separators, keys, literals). */
  lit(b: Uint8Array): void {
    const n = b.length;
    this.ensure(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = b[i]!;
    this.pos = p;
  }

  /** UTF-8 bytes of `s` (lone surrogates as U+FFFD, as Buffer writes them). */
  str(s: string): void {
    const n = s.length;
    this.ensure(n * 3);
    if (n > LOOP_CHARS) {
      this.pos += utf8Write(this.buf, s, this.pos);
      return;
    }
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        // The ASCII head is written; the rest (from a whole character) goes native.
        this.pos = p + utf8Write(buf, i === 0 ? s : s.slice(i), p);
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  /** Decimal digits of a safe integer without building its string; others as `String(v)`. */
  num(v: number): void {
    if (!Number.isSafeInteger(v)) return this.str(String(v));
    this.ensure(17);
    const buf = this.buf;
    let p = this.pos;
    let n = v;
    if (n < 0) {
      buf[p++] = 45; // '-'
      n = -n;
    }
    let digits = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
    p += digits;
    this.pos = p;
    do {
      const q = Math.floor(n / 10);
      buf[--p] = 48 + (n - q * 10);
      n = q;
    } while (n > 0);
  }

  /** One byte (an ASCII character code). */
  byte(c: number): void {
    this.ensure(1);
    this.buf[this.pos++] = c;
  }

  /** `n` (an integer in [0, 10^width)) as exactly `width` zero-padded digits: `String(n).padStart(width, '0')`. */
  pad(n: number, width: number): void {
    this.ensure(width);
    const buf = this.buf;
    let p = this.pos + width;
    this.pos = p;
    for (let i = 0; i < width; i++) {
      const q = Math.floor(n / 10);
      buf[--p] = 48 + (n - q * 10);
      n = q;
    }
  }

  /** A value written as is (`'' + v`): numbers, booleans and strings that need no escaping. */
  raw(v: Cell): void {
    if (typeof v === 'string') this.str(v);
    else if (typeof v === 'number') this.num(v);
    else this.str(`${v}`);
  }

  /** `v` as a CSV field (see `csvField`): ASCII is written as it is scanned, quoted in a second pass if needed. */
  csv(v: Cell, slow: (s: string) => string): void {
    if (typeof v !== 'string' || v.length === 0 || v.length > LOOP_CHARS) return this.str(`${slow(v as string)}`);
    const n = v.length;
    this.ensure(2 * n + 2);
    const buf = this.buf;
    const p0 = this.pos;
    let quote = false;
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c >= 0x80) return this.str(slow(v)); // non-ASCII: the general path
      if (c === 34 || c === 44 || c === 10 || c === 13) quote = true;
      buf[p0 + i] = c;
    }
    if (quote || (n === 2 && v === '\\.')) return this.quoted(v);
    this.pos = p0 + n;
  }

  /** An ASCII string as a quoted CSV field: quotes doubled. */
  private quoted(v: string): void {
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = 34;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      buf[p++] = c;
      if (c === 34) buf[p++] = 34;
    }
    buf[p++] = 34;
    this.pos = p;
  }

  /**
   * Makes the raw text written since `mark` (an offset from `start`, so it survives the buffer
   * moving) the CSV field `csvField` makes of it, in place: `""` when empty, quoted with quotes
   * doubled when it holds a quote, comma or line break, or is `\.`. The characters that decide
   * are ASCII, and no byte of a multi-byte UTF-8 character is ASCII, so bytes decide the same.
   */
  csvFrom(mark: number): void {
    let buf = this.buf;
    const end = this.pos;
    const p0 = this.start + mark;
    let quotes = 0;
    let special = end === p0 || (end - p0 === 2 && buf[p0] === 92 && buf[p0 + 1] === 46);
    for (let p = p0; p < end; p++) {
      const c = buf[p]!;
      if (c === 34) quotes++;
      else if (c === 44 || c === 10 || c === 13) special = true;
    }
    if (!special && quotes === 0) return;
    this.ensure(quotes + 2);
    buf = this.buf;
    const first = this.start + mark;
    // Shifted right from the end, so every byte moves once and nothing is overwritten unread.
    let src = this.pos - 1;
    let dst = src + quotes + 2;
    this.pos = dst + 1;
    buf[dst--] = 34;
    while (src >= first) {
      const c = buf[src--]!;
      buf[dst--] = c;
      if (c === 34) buf[dst--] = 34;
    }
    buf[first] = 34;
  }

  /**
   * Closes the JSON string whose raw text was written since `mark` (after its opening quote) when
   * that text is already what `JSON.stringify` writes, and returns true; else returns false and
   * the caller rewrites the cell. JSON.stringify escapes control characters, quote, backslash and
   * lone surrogates; Buffer writes a lone surrogate as U+FFFD (EF BF BD), so any U+FFFD bytes
   * send the cell to the general path too.
   */
  jsonFrom(mark: number): boolean {
    const buf = this.buf;
    const end = this.pos;
    for (let p = this.start + mark; p < end; p++) {
      const c = buf[p]!;
      if (c < 0x20 || c === 34 || c === 92 || (c === 0xef && buf[p + 1] === 0xbf && buf[p + 2] === 0xbd)) return false;
    }
    this.byte(34);
    return true;
  }

  /** `JSON.stringify(v)`: printable ASCII without quote/backslash is written as it is scanned. */
  json(v: Cell): void {
    if (typeof v !== 'string' || v.length > LOOP_CHARS) return this.str(`${JSON.stringify(v)}`);
    const n = v.length;
    this.ensure(n + 2);
    const buf = this.buf;
    const p0 = this.pos;
    buf[p0] = 34;
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c < 0x20 || c === 34 || c === 92 || c >= 0x7f) return this.str(JSON.stringify(v));
      buf[p0 + 1 + i] = c;
    }
    buf[p0 + 1 + n] = 34;
    this.pos = p0 + n + 2;
  }
}
