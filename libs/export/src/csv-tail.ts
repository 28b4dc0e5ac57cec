/**
 * Follows PostgreSQL's CSV output byte by byte to count records and keep the last record's value
 * of one column, so a chunk's upper key comes from the bytes already being written, with no
 * second query. Only `"`, `,` and `\n` matter: in UTF-8 those bytes never occur inside a multi-byte
 * character, a doubled quote toggles the quote state twice, and COPY ends records with `\n`.
 */
export class CsvTail {
  /** Complete records seen. */
  rows = 0;
  private quoted = false;
  private field = 0;
  /** Bytes of the current record's key field gathered from earlier buffers. */
  private carry: Buffer[] = [];
  private last: Buffer | null = null;

  constructor(private readonly keyIndex: number) {}

  feed(buf: Buffer): void {
    const k = this.keyIndex;
    let start = this.field === k ? 0 : -1;
    let quoted = this.quoted;
    let field = this.field;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i]!;
      if (b === 0x22) quoted = !quoted;
      else if (!quoted && (b === 0x2c || b === 0x0a)) {
        if (field === k) this.keyEnd(buf, start, i);
        if (b === 0x2c) {
          field++;
          if (field === k) start = i + 1;
        } else {
          this.rows++;
          field = 0;
          start = k === 0 ? i + 1 : -1;
        }
      }
    }
    if (field === k && start >= 0 && start < buf.length) this.carry.push(Buffer.from(buf.subarray(start)));
    this.quoted = quoted;
    this.field = field;
  }

  /** The last complete record's key as text (CSV quoting undone), or null before the first. */
  lastKey(): string | null {
    if (!this.last) return null;
    const raw = this.last.toString('utf8');
    return raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw;
  }

  private keyEnd(buf: Buffer, start: number, end: number): void {
    const tail = buf.subarray(Math.max(start, 0), end);
    this.last = this.carry.length ? Buffer.concat([...this.carry, tail]) : tail;
    this.carry = [];
  }
}
