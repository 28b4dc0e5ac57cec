/** A batch of NDJSON rows as the inside of a JSON array: `{…},{…},{…}` (UTF-8 bytes). */
export interface RowBatch {
  json: Buffer;
  count: number;
}

const NL = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const COMMA_BUF = Buffer.from(',');

/**
 * Splits an NDJSON byte stream into batches of `batchSize` rows, on bytes: `\n` never occurs
 * inside a multi-byte UTF-8 sequence, so characters split across chunks need no decoding, and
 * rows are never parsed or re-serialised — the relay's hot path is memchr + one copy per byte
 * (a per-line string split + JSON round trip cost ~3× more CPU here). Rows that arrive whole in
 * one chunk are joined in place (their `\n` becomes `,`); only rows cut by a chunk boundary are
 * copied. Each row is checked to look like a JSON object (`{…}`), not fully parsed: the
 * generator is ours, this guards against a wrong upstream, not a hostile one.
 * Stops accepting rows after `limit` (`done`).
 */
export class NdjsonBatcher {
  private pieces: Buffer[] = [];
  private count = 0;
  private rows = 0;
  private partial: Buffer[] = [];
  /** Current chunk's run of whole rows joined in place: [runStart, runEnd) with runEnd at a `\n`. */
  private chunk: Buffer = Buffer.alloc(0);
  private runStart = -1;
  private runEnd = -1;
  private out: RowBatch[] = [];
  private over = false;

  constructor(
    private readonly batchSize: number,
    private readonly limit = Number.POSITIVE_INFINITY,
  ) {}

  /** True once `limit` rows were taken; later input is ignored. */
  get done(): boolean {
    return this.rows >= this.limit;
  }

  /** True when input came after the `limit`th row (more rows than asked for, not just the end). */
  get excess(): boolean {
    return this.over;
  }

  /** Feeds one chunk; returns the batches it completed. Throws on a malformed row. */
  push(chunk: Buffer): RowBatch[] {
    this.chunk = chunk;
    let pos = 0;
    for (let nl = chunk.indexOf(NL); nl !== -1 && !this.done; nl = chunk.indexOf(NL, pos)) {
      if (this.partial.length > 0) this.addCopied(Buffer.concat([...this.partial, chunk.subarray(pos, nl)]));
      else if (nl > pos && !(nl === pos + 1 && chunk[pos] === CR)) this.addInPlace(pos, nl);
      this.partial = [];
      pos = nl + 1;
    }
    this.closeRun();
    if (pos < chunk.length) {
      if (this.done) this.over = true;
      else this.partial.push(chunk.subarray(pos));
    }
    return this.take();
  }

  /** End of input: a last row without a trailing newline counts; the short batch is flushed. */
  end(): RowBatch[] {
    const tail = Buffer.concat(this.partial);
    this.partial = [];
    if (!this.done && trimCr(tail, tail.length) > 0) this.addCopied(tail);
    if (this.count > 0) this.flush();
    return this.take();
  }

  private addInPlace(start: number, nl: number): void {
    check(this.chunk, start, trimCr(this.chunk, nl));
    if (this.count > 0 && this.runStart >= 0 && this.runEnd === start - 1) {
      this.chunk[this.runEnd] = COMMA;
    } else {
      this.closeRun();
      if (this.count > 0) this.pieces.push(COMMA_BUF);
      this.runStart = start;
    }
    this.runEnd = nl;
    this.counted();
  }

  private addCopied(line: Buffer): void {
    const end = trimCr(line, line.length);
    if (end === 0) return;
    check(line, 0, end);
    this.closeRun();
    if (this.count > 0) this.pieces.push(COMMA_BUF);
    this.pieces.push(line);
    this.counted();
  }

  private counted(): void {
    this.count++;
    this.rows++;
    if (this.count === this.batchSize || this.done) this.flush();
  }

  private closeRun(): void {
    if (this.runStart < 0) return;
    this.pieces.push(this.chunk.subarray(this.runStart, this.runEnd));
    this.runStart = -1;
  }

  private flush(): void {
    this.closeRun();
    this.out.push({ json: Buffer.concat(this.pieces), count: this.count });
    this.pieces = [];
    this.count = 0;
  }

  private take(): RowBatch[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

/** End of a line without its trailing `\r` (CRLF tolerance). */
function trimCr(buf: Buffer, end: number): number {
  return end > 0 && buf[end - 1] === CR ? end - 1 : end;
}

function check(buf: Buffer, start: number, end: number): void {
  if (end > start && buf[start] === OPEN && buf[end - 1] === CLOSE) return;
  throw new Error(`generator sent a malformed line: ${buf.toString('utf8', start, Math.min(end, start + 80))}`);
}
