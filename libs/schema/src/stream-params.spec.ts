import { ValidationError } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { checkInputKeys, type InputSource, parseStreamParams, requireObjectBody, STREAM_PARAM_KEYS } from './stream-params.js';

const limits = { maxRows: 1000 };

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).field;
  }
  throw new Error('expected a ValidationError');
}

const parse = (input: Record<string, unknown>, source: InputSource) => () => parseStreamParams(input, limits, source);

describe('parseStreamParams', () => {
  it('parses query strings and JSON values', () => {
    expect(parseStreamParams({ table: 'users', rows: '10', seed: '7', offset: '3', header: 'false' }, limits, 'query')).toEqual({ table: 'users', rows: 10, seed: 7, offset: 3, header: false });
    expect(parseStreamParams({ rows: 10, seed: 0, header: true, offset: null }, limits, 'body')).toEqual({ rows: 10, seed: 0, offset: 0, header: true });
  });

  it.each([
    [{}, 'rows'],
    [{ rows: '0' }, 'rows'],
    [{ rows: '-5' }, 'rows'],
    [{ rows: '1.5' }, 'rows'],
    [{ rows: '1e3' }, 'rows'],
    [{ rows: '5.0' }, 'rows'],
    [{ rows: ' 5' }, 'rows'],
    [{ rows: '0x10' }, 'rows'],
    [{ rows: 'abc' }, 'rows'],
    [{ rows: '1001' }, 'rows'],
    [{ rows: '1', offset: '-1' }, 'offset'],
    [{ rows: '1', offset: '2.5' }, 'offset'],
    [{ rows: '1', seed: '-1' }, 'seed'],
    [{ rows: '1', seed: String(2 ** 60) }, 'seed'],
    [{ rows: '1', header: 'yes' }, 'header'],
    [{ rows: '1', header: '1' }, 'header'],
  ])('query %j is refused naming %s', (input, field) => {
    expect(fieldOf(parse(input, 'query'))).toBe(field);
  });

  it.each([
    [{ rows: '5' }, 'rows'],
    [{ rows: 1.5 }, 'rows'],
    [{ rows: true }, 'rows'],
    [{ rows: 1, seed: '7' }, 'seed'],
    [{ rows: 1, seed: 2 ** 60 }, 'seed'],
    [{ rows: 1, offset: '3' }, 'offset'],
    [{ rows: 1, header: 'true' }, 'header'],
    [{ rows: 1, table: 5 }, 'table'],
  ])('body %j is refused naming %s', (input, field) => {
    expect(fieldOf(parse(input, 'body'))).toBe(field);
  });

  it('says MAX_ROWS in the limit message', () => {
    expect(() => parseStreamParams({ rows: 5000 }, limits, 'body')).toThrow('rows: must be <= MAX_ROWS (1000), got 5000');
  });
});

describe('checkInputKeys', () => {
  it('names an unknown key with a suggestion', () => {
    expect(() => checkInputKeys({ rows: '1', sed: '1' }, STREAM_PARAM_KEYS, 'query')).toThrow('sed: unknown key; did you mean "seed"?');
  });

  it('refuses a query parameter given twice, naming it', () => {
    expect(fieldOf(() => checkInputKeys({ table: ['users', 'orders'], rows: '1' }, STREAM_PARAM_KEYS, 'query'))).toBe('table');
  });

  it('accepts arrays in bodies (the value parser judges them)', () => {
    expect(() => checkInputKeys({ rows: 1, table: ['x'] }, STREAM_PARAM_KEYS, 'body')).not.toThrow();
  });
});

describe('requireObjectBody', () => {
  it.each([[null], [[1]], ['x'], [5], [undefined]])('refuses %j naming body', (body) => {
    expect(fieldOf(() => requireObjectBody(body))).toBe('body');
  });
});
