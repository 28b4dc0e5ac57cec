import { describe, expect, it } from 'vitest';
import { locateJsonError } from './json-locate.js';

describe('locateJsonError', () => {
  it('accepts everything JSON.parse accepts', () => {
    for (const t of ['{}', '[]', '0', '-1.5e+3', '"a\\n\\u00e9"', ' { "a" : [1, true, null, {"b": "c"}] } ', 'false']) {
      expect(() => JSON.parse(t)).not.toThrow();
      expect(locateJsonError(t)).toBeNull();
    }
  });

  it('points at the first bad character', () => {
    const cases: [string, number, RegExp][] = [
      ['{"a": 1,}', 8, /property name/],
      ['{"a" 1}', 5, /':'/],
      ['[1 2]', 3, /',' or ']'/],
      ["{'a': 1}", 1, /double quotes/],
      ['{"a": tru}', 6, /expected a value/],
      ['{"a": 1', 7, /end of input/],
      ['{} x', 3, /after the end/],
      ['"abc', 0, /string/],
    ];
    for (const [text, pos, msg] of cases) {
      expect(() => JSON.parse(text)).toThrow();
      const p = locateJsonError(text);
      expect(p, text).not.toBeNull();
      expect(p!.pos, text).toBe(pos);
      expect(p!.message, text).toMatch(msg);
    }
  });
});
