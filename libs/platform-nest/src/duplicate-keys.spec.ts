import { describe, expect, it } from 'vitest';
import { duplicateKey } from './duplicate-keys.js';

describe('duplicateKey', () => {
  it.each([
    ['{"rows":-1,"rows":10}', 'rows'],
    ['{"a":{"b":1,"c":2,"b":3}}', 'a.b'],
    ['{"cols":[{"n":1},{"n":2,"n":3}]}', 'cols[1].n'],
    ['[{"x":1,"x":2}]', '[0].x'],
    ['{"a\\"b":1,"a\\u0022b":2}', 'a"b'],
  ])('%s → %s', (text, path) => {
    expect(duplicateKey(text)).toBe(path);
  });

  it.each(['{"a":1,"b":{"a":2}}', '[{"a":1},{"a":2}]', '{"a":"{\\"a\\":1,\\"a\\":2}"}', '{"a":["a","a"]}', '"x"', '1'])('%s has none', (text) => {
    expect(duplicateKey(text)).toBeUndefined();
  });
});
