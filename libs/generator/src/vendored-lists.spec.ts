import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORD_LISTS, WORD_LISTS_SOURCE } from './word-lists.js';

describe('version-stable output', () => {
  it('no generator module imports faker at run time (the word lists are vendored)', () => {
    const dir = import.meta.dirname;
    const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
    expect(sources.length).toBeGreaterThan(10);
    for (const f of sources) expect(readFileSync(resolve(dir, f), 'utf8'), f).not.toMatch(/from ['"]@faker-js/);
  });

  it('records the faker version it was taken from, with every list non-empty', () => {
    expect(WORD_LISTS_SOURCE).toMatch(/^@faker-js\/faker@\d+\.\d+\.\d+$/);
    for (const [name, words] of Object.entries(WORD_LISTS)) expect(words.length, name).toBeGreaterThan(0);
  });
});
