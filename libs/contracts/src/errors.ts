/** Body of every 4xx/5xx response. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  /** Human message; for validation errors it names the offending field first. */
  message: string;
  /** The offending field, e.g. `rows` or `schema.columns[2].type`, when known. */
  field?: string;
}

/**
 * Bad user input. Carries the field it is about so every layer (HTTP filter, web page) can
 * point at it. Framework-free on purpose: libs throw it, the apps' filter maps it to 400.
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A referenced thing (table, job) does not exist. Mapped to 404. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/**
 * The request is valid but conflicts with current state (e.g. resume a running job). 409.
 * `field`, when the conflict is about one (a target table that exists), goes on the wire too.
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
