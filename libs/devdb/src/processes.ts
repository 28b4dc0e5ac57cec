import type { ChildProcess } from 'node:child_process';

/**
 * Stops a child: SIGTERM (our apps shut down gracefully on it), SIGKILL after `graceMs` if it
 * is still there. Resolves once it has exited. Shared by the launcher, tests and benchmarks.
 */
export function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** Polls `${base}/health` until it answers 2xx; throws after `timeoutMs` or once `abandon()` says so. */
export async function waitHealthy(base: string, timeoutMs = 30_000, abandon: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!abandon()) {
    const ok = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${base}/health did not answer within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
