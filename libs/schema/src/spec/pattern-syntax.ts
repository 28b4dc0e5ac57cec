/**
 * The regular-expression subset a `pattern` column generates from: anchored (`^…$`); literals,
 * `.`, classes (`[a-z0-9_]`, `[^…]` over printable ASCII), `\d \w \s`, escaped metacharacters,
 * groups with alternation (`(a|b)`, `(?:a|b)`), and the quantifiers `? * + {n} {n,} {n,m}`
 * (unbounded ones capped at REPEAT_CAP extra repetitions). Every string generated from the tree
 * matches the expression in PostgreSQL's `~` and in JavaScript.
 */
export type PatternNode =
  | { kind: 'set'; chars: string }
  | { kind: 'seq'; items: PatternNode[] }
  | { kind: 'alt'; options: PatternNode[] }
  | { kind: 'repeat'; node: PatternNode; min: number; max: number };

/** Extra repetitions drawn for `*`, `+` and `{n,}`. */
export const REPEAT_CAP = 8;
/** Largest `{n,m}` bound accepted (keeps generated values short). */
export const MAX_REPEAT = 1000;

const range = (from: number, to: number): string => String.fromCharCode(...Array.from({ length: to - from + 1 }, (_, i) => from + i));
const DIGITS = range(48, 57);
const WORD = `${range(65, 90)}${range(97, 122)}${DIGITS}_`;
const PRINTABLE = range(32, 126);
const CLASS_ESCAPES: Record<string, string> = { d: DIGITS, w: WORD, s: ' ' };
/** `.` draws from letters and digits: any character matches, these read well. */
const ANY = `${range(65, 90)}${range(97, 122)}${DIGITS}`;
const META = new Set([...'^$.[]()|?*+{}\\']);

export class PatternSyntaxError extends Error {
  override name = 'PatternSyntaxError';
}

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): PatternNode {
    if (!this.src.startsWith('^') || !this.src.endsWith('$') || this.src.endsWith('\\$') || this.src.length < 2) {
      throw new PatternSyntaxError('must be anchored: start with ^ and end with $');
    }
    this.i = 1;
    const node = this.seq(this.src.length - 1);
    if (this.peek() === '|') throw new PatternSyntaxError(`alternation at the top level: wrap the alternatives in a group, e.g. ^(a|b)$`);
    if (this.i !== this.src.length - 1) throw this.error('unexpected character');
    return node;
  }

  private peek(): string | undefined {
    return this.src[this.i];
  }

  private error(what: string): PatternSyntaxError {
    return new PatternSyntaxError(`${what} at position ${this.i} ("${this.src.slice(this.i, this.i + 10)}")`);
  }

  private seq(end: number): PatternNode {
    const items: PatternNode[] = [];
    while (this.i < end && this.peek() !== '|' && this.peek() !== ')') items.push(this.quantified(this.atom()));
    return items.length === 1 ? items[0]! : { kind: 'seq', items };
  }

  private alt(): PatternNode {
    const options = [this.seq(this.src.length - 1)];
    while (this.peek() === '|') {
      this.i++;
      options.push(this.seq(this.src.length - 1));
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  }

  private atom(): PatternNode {
    const c = this.peek();
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    if (c === '.') return this.skip({ kind: 'set', chars: ANY });
    if (c === '\\') return { kind: 'set', chars: this.escape(false) };
    if (c === undefined || META.has(c)) throw this.error(`unsupported or misplaced "${c ?? 'end'}"`);
    return this.skip({ kind: 'set', chars: c });
  }

  private skip(node: PatternNode): PatternNode {
    this.i++;
    return node;
  }

  private group(): PatternNode {
    this.i += this.src.startsWith('(?:', this.i) ? 3 : 1;
    if (this.peek() === '?') throw this.error('lookarounds and group flags are not supported');
    const inner = this.alt();
    if (this.peek() !== ')') throw this.error('unclosed group');
    this.i++;
    return inner;
  }

  /** An escape at `\`: a class shorthand or a literal metacharacter. */
  private escape(inClass: boolean): string {
    const c = this.src[this.i + 1];
    this.i += 2;
    if (c === undefined) throw this.error('dangling backslash');
    if (CLASS_ESCAPES[c]) return CLASS_ESCAPES[c];
    if (META.has(c) || c === '-' || c === '/' || (inClass && c === ']')) return c;
    throw new PatternSyntaxError(`unsupported escape "\\${c}"`);
  }

  private charClass(): PatternNode {
    this.i++;
    const negate = this.peek() === '^';
    if (negate) this.i++;
    let chars = '';
    while (this.peek() !== ']') {
      if (this.peek() === undefined) throw this.error('unclosed character class');
      chars += this.classItem();
    }
    this.i++;
    const set = negate ? [...PRINTABLE].filter((ch) => !chars.includes(ch)).join('') : [...new Set(chars)].join('');
    if (set.length === 0) throw this.error('empty character class');
    return { kind: 'set', chars: set };
  }

  private classItem(): string {
    const start = this.peek() === '\\' ? this.escape(true) : this.src[this.i++]!;
    if (start.length !== 1 || this.peek() !== '-' || this.src[this.i + 1] === ']') return start;
    this.i++;
    const end = this.peek() === '\\' ? this.escape(true) : this.src[this.i++]!;
    if (end.length !== 1 || end.charCodeAt(0) < start.charCodeAt(0)) throw this.error(`bad range ${start}-${end}`);
    return range(start.charCodeAt(0), end.charCodeAt(0));
  }

  private quantified(node: PatternNode): PatternNode {
    const q = this.peek();
    if (q === '?') return this.skip({ kind: 'repeat', node, min: 0, max: 1 });
    if (q === '*') return this.skip({ kind: 'repeat', node, min: 0, max: REPEAT_CAP });
    if (q === '+') return this.skip({ kind: 'repeat', node, min: 1, max: 1 + REPEAT_CAP });
    if (q !== '{') return node;
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
    if (!m) throw this.error('bad quantifier');
    this.i += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? min + REPEAT_CAP : Number(m[3]);
    if (max < min || max > MAX_REPEAT) throw new PatternSyntaxError(`quantifier ${m[0]}: need n <= m <= ${MAX_REPEAT}`);
    if (this.peek() === '?' || this.peek() === '+') throw this.error('lazy and possessive quantifiers are not supported');
    return { kind: 'repeat', node, min, max };
  }
}

/** Parses a pattern of the supported subset; throws PatternSyntaxError saying what is wrong. */
export function parsePattern(pattern: string): PatternNode {
  return new Parser(pattern).parse();
}

/** True when every character the tree can produce needs neither CSV quoting nor JSON escaping. */
export function patternIsPlain(node: PatternNode): boolean {
  switch (node.kind) {
    case 'set':
      return !/[",\\\u0000-\u001f]/.test(node.chars);
    case 'seq':
      return node.items.every(patternIsPlain);
    case 'alt':
      return node.options.every(patternIsPlain);
    case 'repeat':
      return patternIsPlain(node.node);
  }
}
