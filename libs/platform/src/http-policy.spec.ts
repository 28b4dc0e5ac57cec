import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { bearerMatches, checkHttpConfig, defaultAllowedHosts, exposureWarning, HTTP_CONFIG, hostAllowed, hostOf, httpPolicy, needsToken, originAllowed, sessionMatches, SESSION_COOKIE, sessionValue } from './http-policy.js';

const TOKEN = 'secret-token-1';

function policy(env: NodeJS.ProcessEnv = {}) {
  const config = { HOST: '127.0.0.1', ...loadConfig(HTTP_CONFIG, { ROWFLOW_API_TOKEN: TOKEN, ...env }) };
  return httpPolicy(config, { readOnlyPosts: ['/api/orchestrator/stream'] });
}

describe('Host allowlist', () => {
  it.each([
    ['localhost:3000', true],
    ['127.0.0.1', true],
    ['[::1]:3000', true],
    ['LOCALHOST:1', true],
    ['attacker.example', false],
    ['localhost.attacker.example', false],
    ['127.0.0.1.nip.io:3000', false],
    ['', false],
    [undefined, false],
    ['::1', false],
    ['localhost:4200@evil.example', false],
    ['localhost@evil.example', false],
    ['localhost:port', false],
    ['[::1]:3000@evil.example', false],
    ['localhost/evil', false],
  ])('%s → %s', (host, ok) => {
    expect(hostAllowed(host, defaultAllowedHosts('127.0.0.1'))).toBe(ok);
  });

  it('parses the host name out of a Host header', () => {
    expect(hostOf('[::1]:80')).toBe('::1');
    expect(hostOf('Example.COM:8080')).toBe('example.com');
  });

  it('binding every interface adds no wildcard; * in ALLOWED_HOSTS allows any', () => {
    expect(defaultAllowedHosts('0.0.0.0')).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(hostAllowed('anything.example', ['*'])).toBe(true);
  });
});

describe('Origin of state-changing requests', () => {
  it('own origin and CORS_ORIGINS pass; others, null and garbage do not', () => {
    expect(originAllowed('http://localhost:3000', 'localhost:3000', [])).toBe(true);
    expect(originAllowed('http://localhost:5173', 'localhost:3000', [])).toBe(false);
    expect(originAllowed('https://app.example', 'localhost:3000', ['https://app.example'])).toBe(true);
    expect(originAllowed('null', 'localhost:3000', [])).toBe(false);
    expect(originAllowed('::', 'localhost:3000', [])).toBe(false);
  });
});

describe('token', () => {
  it('matches only the exact bearer token', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(bearerMatches(`Bearer ${TOKEN.slice(1)}`, TOKEN)).toBe(false);
    expect(bearerMatches(TOKEN, TOKEN)).toBe(false);
    expect(bearerMatches(undefined, TOKEN)).toBe(false);
  });

  it('the session cookie is tied to the token', () => {
    expect(sessionMatches(`a=1; ${SESSION_COOKIE}=${sessionValue(TOKEN)}`, TOKEN)).toBe(true);
    expect(sessionMatches(`${SESSION_COOKIE}=${sessionValue('other-token-2')}`, TOKEN)).toBe(false);
    expect(sessionMatches(undefined, TOKEN)).toBe(false);
  });

  it('protects every non-GET except the listed read-only POSTs; reads only on request', () => {
    const p = policy();
    expect(needsToken(p, 'POST', '/api/jobs')).toBe(true);
    expect(needsToken(p, 'POST', '/api/jobs/x/cancel')).toBe(true);
    expect(needsToken(p, 'DELETE', '/api/anything')).toBe(true);
    expect(needsToken(p, 'POST', '/api/exports')).toBe(true);
    expect(needsToken(p, 'POST', '/API/Orchestrator/Stream/')).toBe(false);
    expect(needsToken(p, 'GET', '/api/jobs')).toBe(false);
    expect(needsToken(p, 'OPTIONS', '/api/jobs')).toBe(false);
    const reads = policy({ ROWFLOW_PROTECT_READS: 'true' });
    expect(needsToken(reads, 'GET', '/api/jobs')).toBe(true);
    expect(needsToken(reads, 'POST', '/api/orchestrator/stream')).toBe(true);
    expect(needsToken(reads, 'GET', '/metrics')).toBe(true);
    expect(needsToken(reads, 'GET', '/health')).toBe(false);
    expect(needsToken(reads, 'GET', '/assets/index.js')).toBe(false);
  });

  it('no token configured: nothing needs one', () => {
    const p = httpPolicy({ HOST: 'localhost', ...loadConfig(HTTP_CONFIG, {}) }, { readOnlyPosts: [] });
    expect(needsToken(p, 'POST', '/api/jobs')).toBe(false);
  });
});

describe('config keys', () => {
  it('lists every bad access key', () => {
    expect(() => loadConfig(HTTP_CONFIG, { ROWFLOW_API_TOKEN: 'a b', ALLOWED_HOSTS: 'ok.example,bad host', CORS_ORIGINS: 'app.example', BODY_LIMIT: '2gb' })).toThrow(
      /ROWFLOW_API_TOKEN[\s\S]*ALLOWED_HOSTS[\s\S]*CORS_ORIGINS[\s\S]*BODY_LIMIT/,
    );
  });

  it('ALLOWED_HOSTS takes names without ports (a port could never match the Host name); IPv6 addresses keep their colons', () => {
    expect(() => loadConfig(HTTP_CONFIG, { ALLOWED_HOSTS: 'rowflow.internal:8080' })).toThrow(/ALLOWED_HOSTS[\s\S]*"rowflow.internal:8080" has a port/);
    expect(loadConfig(HTTP_CONFIG, { ALLOWED_HOSTS: 'rowflow.internal, ::1, [fe80::1]' })).toMatchObject({ ALLOWED_HOSTS: ['rowflow.internal', '::1', 'fe80::1'] });
  });

  it('parses sizes and lists', () => {
    expect(loadConfig(HTTP_CONFIG, { BODY_LIMIT: '512kb', CORS_ORIGINS: 'https://a.example, http://b.example:8080' })).toMatchObject({
      BODY_LIMIT: 512 * 1024,
      CORS_ORIGINS: ['https://a.example', 'http://b.example:8080'],
    });
  });
});

describe('cross-key rules', () => {
  it('protected reads without a token are a config error', () => {
    expect(() => checkHttpConfig({ ROWFLOW_API_TOKEN: undefined, ROWFLOW_PROTECT_READS: true })).toThrow(/ROWFLOW_PROTECT_READS=true needs ROWFLOW_API_TOKEN/);
    expect(checkHttpConfig({ ROWFLOW_API_TOKEN: TOKEN, ROWFLOW_PROTECT_READS: true })).toBeTruthy();
  });

  it('warns when reachable from other machines without a token', () => {
    expect(exposureWarning({ HOST: '0.0.0.0', ROWFLOW_API_TOKEN: undefined })).toMatch(/ROWFLOW_API_TOKEN is not set/);
    expect(exposureWarning({ HOST: '0.0.0.0', ROWFLOW_API_TOKEN: TOKEN })).toBeUndefined();
    expect(exposureWarning({ HOST: '127.0.0.1', ROWFLOW_API_TOKEN: undefined })).toBeUndefined();
  });
});
