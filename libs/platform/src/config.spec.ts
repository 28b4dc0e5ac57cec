import { describe, expect, it } from 'vitest';
import { bool, ConfigError, int, loadConfig, oneOf, port, required, url } from './config.js';

describe('loadConfig', () => {
  const spec = { PORT: port(3000), MAX_ROWS: int(10, 1), LOG_LEVEL: oneOf('info', ['info', 'debug'] as const), GENERATOR_URL: url('http://x') };

  it('applies defaults and parses values', () => {
    expect(loadConfig(spec, { PORT: '8080' })).toEqual({ PORT: 8080, MAX_ROWS: 10, LOG_LEVEL: 'info', GENERATOR_URL: 'http://x' });
  });

  it('lists every bad key in one error', () => {
    let err: unknown;
    try {
      loadConfig(spec, { PORT: 'abc', MAX_ROWS: '0', LOG_LEVEL: 'loud', GENERATOR_URL: 'file:///etc/passwd' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const key of ['PORT', 'MAX_ROWS', 'LOG_LEVEL', 'GENERATOR_URL']) expect(problems).toContain(key);
  });

  it('rejects out-of-range ports', () => {
    expect(() => loadConfig({ PORT: port(1) }, { PORT: '70000' })).toThrow(/PORT must be between 0 and 65535/);
  });

  it('parses booleans and rejects anything else', () => {
    expect(loadConfig({ A: bool(true), B: bool(true), C: bool(false) }, { B: 'off', C: 'YES' })).toEqual({ A: true, B: false, C: true });
    expect(() => loadConfig({ A: bool(true) }, { A: 'maybe' })).toThrow(/A must be true or false, got "maybe"/);
  });

  it('requires a value when wrapped in required, with the hint', () => {
    expect(() => loadConfig({ DATABASE_URL: required(url(undefined), 'set it') }, {})).toThrow(/DATABASE_URL is required \(set it\)/);
    expect(loadConfig({ DATABASE_URL: required(url(undefined)) }, { DATABASE_URL: 'http://x' })).toEqual({ DATABASE_URL: 'http://x' });
  });
});
