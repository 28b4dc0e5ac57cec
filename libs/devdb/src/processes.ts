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

/**
 * Node flags of the generator process (launcher and bench start it the same way). A row stream
 * allocates short-lived strings at a high rate; by default V8 answers by growing its young
 * generation and old space for the first seconds of a long stream, so a 10M-row stream peaked
 * at 1.35× the RSS of a 100k one. `--optimize-for-size` keeps the heap small (measured: 72 vs
 * 71 MB peak for 10M vs 100k users rows) at no measurable generation cost. The heap is
 * not capped, so no input can turn this into an out-of-memory crash.
 */
export const GENERATOR_NODE_FLAGS: readonly string[] = ['--optimize-for-size'];
