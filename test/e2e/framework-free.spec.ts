/**
 * The framework-free libs load without NestJS: a module hook makes every `@nestjs/*` import throw,
 * then the built libs are imported in a fresh Node process. The Nest adapter is the control case.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const HOOK = 'export async function resolve(s, c, next) { if (s.startsWith("@nestjs")) throw new Error("Nest loaded: " + s); return next(s, c); }';
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});`;

function importWithoutNest(pkg: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, '--input-type=module', '-e', `await import(${JSON.stringify(pkg)}); console.log('loaded')`], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 90_000, // a safety net only: loading the libs can take long on a busy machine
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('framework-free libs', () => {
  it.each(['@rowflow/pg', '@rowflow/jobs', '@rowflow/platform', '@rowflow/schema', '@rowflow/generator', '@rowflow/contracts'])('%s loads with Nest unloadable', { timeout: 120_000 }, (pkg) => {
    const r = importWithoutNest(pkg);
    expect(r.out).toContain('loaded');
    expect(r.status).toBe(0);
  });

  it('the Nest adapter does need Nest (the hook works)', { timeout: 120_000 }, () => {
    const r = importWithoutNest('@rowflow/platform-nest');
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('Nest loaded: @nestjs/');
  });
});
