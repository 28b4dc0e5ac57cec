import { describe, expect, it } from 'vitest';
import { ConfigError, int, loadConfig, oneOf, port, url } from './config.js';

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
});
