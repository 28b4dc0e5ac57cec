import { ValidationError } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { parseStreamParams } from './stream-params.js';

const limits = { maxRows: 1000 };

function fieldOf(input: Record<string, unknown>): string {
  try {
    parseStreamParams(input, limits);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).field;
  }
  throw new Error('expected a ValidationError');
}

describe('parseStreamParams', () => {
  it('parses query strings and JSON numbers alike', () => {
    expect(parseStreamParams({ table: 'users', rows: '10', seed: '7', offset: '3', header: 'false' }, limits)).toEqual({ table: 'users', rows: 10, seed: 7, offset: 3, header: false });
    expect(parseStreamParams({ rows: 10, seed: 0, header: true }, limits)).toEqual({ rows: 10, seed: 0, offset: 0, header: true });
  });

  it.each([
    [{}, 'rows'],
    [{ rows: '0' }, 'rows'],
    [{ rows: -5 }, 'rows'],
    [{ rows: '1.5' }, 'rows'],
    [{ rows: 'abc' }, 'rows'],
    [{ rows: 1001 }, 'rows'],
    [{ rows: 1, offset: -1 }, 'offset'],
    [{ rows: 1, offset: '2.5' }, 'offset'],
    [{ rows: 1, seed: -1 }, 'seed'],
    [{ rows: 1, seed: 1.5 }, 'seed'],
    [{ rows: 1, seed: 2 ** 60 }, 'seed'],
    [{ rows: 1, header: 'yes' }, 'header'],
  ])('rejects %j naming %s', (input, field) => {
    expect(fieldOf(input)).toBe(field);
  });

  it('says MAX_ROWS in the limit message', () => {
    expect(() => parseStreamParams({ rows: 5000 }, limits)).toThrow('rows: must be <= MAX_ROWS (1000), got 5000');
  });
});
