import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { didYouMean, rejectUnknownKeys } from './strict-keys.js';

describe('rejectUnknownKeys', () => {
  it('accepts only allowed keys', () => {
    expect(() => rejectUnknownKeys({ rows: 1, seed: 2 }, ['rows', 'seed', 'table'])).not.toThrow();
  });

  it('names the unknown key with its path and suggests the near miss', () => {
    const err = (() => {
      try {
        rejectUnknownKeys({ rows: 1, sed: 2 }, ['rows', 'seed'], 'body');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('body.sed');
    expect((err as ValidationError).message).toContain('did you mean "seed"');
  });

  it('suggests case-insensitive matches and nothing for distant keys', () => {
    expect(didYouMean('chunksize', ['chunkSize', 'rows'])).toBe('chunkSize');
    expect(didYouMean('nullratio', ['nullRatio'])).toBe('nullRatio');
    expect(didYouMean('zzzzzzzz', ['rows', 'seed'])).toBeUndefined();
  });
});
