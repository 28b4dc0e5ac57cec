import { ConflictError, type ErrorBody, NotFoundError, ValidationError } from '@rowflow/contracts';

/** Documented exit codes: 0 done, 1 failed work, 2 bad usage, 130 interrupted (Ctrl-C). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** Bad usage that is not a field of a request (e.g. two exclusive flags). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Work that ran and failed (a job failed, verify found a difference, a server said 5xx). */
export class WorkFailed extends Error {
  override readonly name = 'WorkFailed';
  constructor(
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** Ctrl-C: stopped cleanly; `hint` says how to continue. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
}

/** A 4xx/5xx body from a server, or the same shape for a local validation error. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly body: ErrorBody) {
    super(body.message);
  }
}

/** The wire error body for an error, as the HTTP API would send it. */
export function errorBody(err: unknown): ErrorBody {
  if (err instanceof ValidationError) return { statusCode: 400, error: 'Bad Request', message: err.message, field: err.field };
  if (err instanceof UsageError) return { statusCode: 400, error: 'Bad Request', message: err.message, ...(err.field ? { field: err.field } : {}) };
  if (err instanceof ApiError) return err.body;
  if (err instanceof NotFoundError) return { statusCode: 404, error: 'Not Found', message: err.message };
  if (err instanceof ConflictError) return { statusCode: 409, error: 'Conflict', message: err.message, ...(err.field ? { field: err.field } : {}) };
  return { statusCode: 500, error: 'Failed', message: err instanceof Error ? err.message : String(err) };
}

/** Exit code of an error: validation → 2, Ctrl-C → 130, everything else → 1. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof Interrupted) return EXIT.interrupted;
  if (err instanceof ValidationError || err instanceof UsageError) return EXIT.usage;
  if (err instanceof ApiError && err.body.statusCode === 400) return EXIT.usage;
  return EXIT.failed;
}
