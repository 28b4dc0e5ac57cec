import { rejectUnknownKeys, ValidationError } from '@rowflow/contracts';
import type pg from 'pg';

/** Largest dead-letter limit a job may have (as for `skipLimit` at creation). */
const MAX_DEAD_LETTERS = 1_000_000_000;

export interface ResumeOptions {
  /** New dead-letter limit (the job's `skipLimit`): a job stopped by its limit goes on with more room. */
  maxDeadLetters?: number;
}

/** Body of `POST /api/jobs/:id/resume`: absent/empty, or `{maxDeadLetters}`; anything else is a 400 naming it. */
export function parseResumeOptions(body: unknown): ResumeOptions {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('body', 'must be a JSON object');
  const raw = body as Record<string, unknown>;
  rejectUnknownKeys(raw, ['maxDeadLetters']);
  const n = raw.maxDeadLetters;
  if (n === undefined) return {};
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > MAX_DEAD_LETTERS) {
    throw new ValidationError('maxDeadLetters', `must be an integer from 0 to ${MAX_DEAD_LETTERS}, got ${JSON.stringify(n)}`);
  }
  return { maxDeadLetters: n };
}

/**
 * Applies resume options to a job that has ended unsuccessfully (failed/cancelled), before it is
 * resumed; a queued, running or completed job is left as it is (resume answers for it).
 */
export async function applyResumeOptions(pool: pg.Pool, id: string, opts: ResumeOptions): Promise<void> {
  if (opts.maxDeadLetters === undefined) return;
  await pool.query(`UPDATE rowflow.jobs SET skip_limit = $2 WHERE id = $1 AND state IN ('failed', 'cancelled')`, [id, opts.maxDeadLetters]);
}
