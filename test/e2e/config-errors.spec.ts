/**
 * Bad configuration is listed at boot, key by key, before anything else runs: the logger is only
 * created from a validated LOG_LEVEL, so `LOG_LEVEL=loud` is a config error, not a pino crash.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

function run(app: 'generator' | 'orchestrator', env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve(ROOT, `apps/${app}/dist/main.js`)], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    // Only a safety net against a hung child: a busy machine may take 20 s just to load it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr, stdout });
    });
  });
}

const BAD = {
  LOG_LEVEL: 'loud',
  ROWFLOW_API_TOKEN: 'short',
  ROWFLOW_PROTECT_READS: 'maybe',
  ALLOWED_HOSTS: 'good.example, bad host!',
  CORS_ORIGINS: 'http://app.example/path',
  BODY_LIMIT: 'huge',
};

describe.each(['generator', 'orchestrator'] as const)('%s with bad configuration', (app) => {
  it('exits 1 listing every bad key, with no log line and no stack', { timeout: 120_000 }, async () => {
    const env = app === 'orchestrator' ? { ...BAD, DATABASE_URL: 'postgres://x@127.0.0.1:1/x', PORT: '0' } : { ...BAD, PORT: '0' };
    const { code, stderr, stdout } = await run(app, env);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Invalid configuration:/);
    for (const key of Object.keys(BAD)) expect(stderr).toContain(`${key}`);
    expect(stderr).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(stdout).toBe(''); // nothing was logged: no logger existed
  });

  it('LOG_LEVEL=loud alone is the only problem listed', { timeout: 120_000 }, async () => {
    const env = app === 'orchestrator' ? { LOG_LEVEL: 'loud', DATABASE_URL: 'postgres://x@127.0.0.1:1/x' } : { LOG_LEVEL: 'loud' };
    const { code, stderr } = await run(app, env);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual(['Invalid configuration:', '  - LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"']);
  });
});
