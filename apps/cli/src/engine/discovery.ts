import { resolve } from 'node:path';
import { findRunningStack, type StackInfo } from '@rowflow/platform';

/** The repository root, where `npm start` keeps `.rowflow/` unless ROWFLOW_DATA_DIR says otherwise. */
const ROOT = resolve(import.meta.dirname, '..', '..', '..', '..');

/** The launcher's data directory: ROWFLOW_DATA_DIR, else `<repo>/.rowflow` (as `npm start` uses it). */
export function stackDataDir(): string {
  return process.env.ROWFLOW_DATA_DIR || resolve(ROOT, '.rowflow');
}

/** The stack `npm start` is running (its launcher alive), or undefined. */
export function runningStack(): StackInfo | undefined {
  return findRunningStack(stackDataDir());
}
