/**
 * Finds where JSON text goes wrong. Browsers' JSON.parse messages differ and the modern V8 one
 * ("Unexpected token '}', …is not valid JSON") carries no position, so on a parse failure the
 * editor re-scans the text with this small strict scanner to point at a line and column.
 */
export interface JsonProblem {
  /** Offset of the offending character (text.length for an unexpected end). */
  pos: number;
  message: string;
}

class Fail extends Error {
  constructor(
    readonly pos: number,
    message: string,
  ) {
    super(message);
  }
}

/** Null when the text is valid JSON, else the first problem. */
export function locateJsonError(text: string): JsonProblem | null {
  const p = { text, i: 0 };
  try {
    value(p);
    ws(p);
    if (p.i < text.length) throw new Fail(p.i, `unexpected ${show(text, p.i)} after the end of the document`);
    return null;
  } catch (err) {
    if (err instanceof Fail) return { pos: err.pos, message: err.message };
    throw err;
  }
}

interface P {
  text: string;
  i: number;
}

function ws(p: P): void {
  while (p.i < p.text.length && ' \t\n\r'.includes(p.text[p.i]!)) p.i++;
}

function show(text: string, i: number): string {
  return i >= text.length ? 'end of input' : `'${text[i]}'`;
}

function value(p: P): void {
  ws(p);
  const c = p.text[p.i];
  if (c === '{') return object(p);
  if (c === '[') return array(p);
  if (c === '"') return string(p);
  const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(p.text.slice(p.i, p.i + 400));
  if (!m) throw new Fail(p.i, `expected a value, found ${show(p.text, p.i)}`);
  p.i += m[0].length;
}

function string(p: P): void {
  const m = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(p.text.slice(p.i));
  if (!m) throw new Fail(p.i, 'unterminated or invalid string');
  p.i += m[0].length;
}

function expect(p: P, ch: string, what: string): void {
  ws(p);
  if (p.text[p.i] !== ch) throw new Fail(p.i, `expected ${what}, found ${show(p.text, p.i)}`);
  p.i++;
}

function list(p: P, close: string, item: (p: P) => void, what: string): void {
  ws(p);
  if (p.text[p.i] === close) {
    p.i++;
    return;
  }
  for (;;) {
    item(p);
    ws(p);
    if (p.text[p.i] === close) {
      p.i++;
      return;
    }
    expect(p, ',', `',' or '${close}' ${what}`);
  }
}

function object(p: P): void {
  p.i++;
  list(p, '}', member, 'after a property');
}

function member(p: P): void {
  ws(p);
  if (p.text[p.i] !== '"') throw new Fail(p.i, `expected a property name in double quotes, found ${show(p.text, p.i)}`);
  string(p);
  expect(p, ':', "':' after the property name");
  value(p);
}

function array(p: P): void {
  p.i++;
  list(p, ']', value, 'after an array element');
}
