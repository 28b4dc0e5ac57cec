import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { ConflictError, type ErrorBody, NotFoundError, ValidationError } from '@rowflow/contracts';
import type { Request, Response } from 'express';
import { logger } from '@rowflow/platform';

const log = logger('ExceptionFilter');

/** Longest error message sent back; past it the rest is counted, not echoed. */
export const MAX_ERROR_MESSAGE = 2000;

/**
 * Messages quote what the client sent (an unknown name, a bad value); a megabyte-long name would
 * come back whole. Cut, saying how much was left out, so the field and the start stay readable.
 */
export function capMessage(message: string): string {
  if (message.length <= MAX_ERROR_MESSAGE) return message;
  return `${message.slice(0, MAX_ERROR_MESSAGE)}… (${message.length - MAX_ERROR_MESSAGE} more characters)`;
}

/**
 * A dependency's trouble (the database down, a lock or pool wait that timed out) as an answer the
 * client can act on: 503 (retry after `retryAfterSec`) or 409. Apps that have a database provide
 * one under DEPENDENCY_ERRORS; it knows that library's errors, the filter stays generic.
 */
export interface DependencyFailure {
  statusCode: 409 | 503;
  message: string;
  retryAfterSec: number;
}

export type DependencyErrorMapper = (err: unknown) => DependencyFailure | undefined;

/**
 * Provider token of an app's DependencyErrorMapper. Every app provides one (`noDependencyErrors`
 * when it has no such dependency): looking up a missing provider in a created app ends the process.
 */
export const DEPENDENCY_ERRORS = 'ROWFLOW_DEPENDENCY_ERRORS';

/** The mapper of an app without a database. */
export const noDependencyErrors: DependencyErrorMapper = () => undefined;

/** Maps a thrown value to the wire error (its message capped). Domain errors come from framework-free libs. */
export function toErrorBody(err: unknown, dependency?: DependencyErrorMapper): ErrorBody {
  const failure = dependency?.(err);
  const body = failure ? { statusCode: failure.statusCode, error: httpReason(failure.statusCode), message: failure.message } : errorBodyOf(err);
  return { ...body, message: capMessage(body.message) };
}

function errorBodyOf(err: unknown): ErrorBody {
  if (err instanceof ValidationError) {
    return { statusCode: 400, error: 'Bad Request', message: err.message, field: err.field };
  }
  if (err instanceof NotFoundError) return { statusCode: 404, error: 'Not Found', message: err.message };
  if (err instanceof ConflictError) return { statusCode: 409, error: 'Conflict', message: err.message, ...(err.field ? { field: err.field } : {}) };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse();
    const raw = typeof res === 'string' ? res : (res as { message?: unknown }).message;
    const message = Array.isArray(raw) ? raw.join('; ') : String(raw ?? err.message);
    return { statusCode: status, error: httpReason(status), message: status >= 500 ? redactAddresses(message) : message };
  }
  return { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' };
}

/**
 * 5xx messages describe our own dependencies (the generator, Postgres); their addresses are
 * internal and never go on the wire, whoever built the message.
 */
export function redactAddresses(message: string): string {
  return message.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s)'"]+/gi, '<internal address>');
}

function httpReason(status: number): string {
  const name = HttpStatus[status];
  if (!name) return 'Error';
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

/** The one global filter: no stack traces on the wire, safe after headers went out. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly dependency?: DependencyErrorMapper) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    const failure = this.dependency?.(err);
    const body = toErrorBody(err, this.dependency);
    // Expected 5xx (e.g. generator unavailable → 503) are HttpExceptions: a warning, no stack.
    if (failure) log.warn({ url: req?.url, status: body.statusCode, err: (err as Error)?.message }, body.message);
    else if (body.statusCode >= 500 && !(err instanceof HttpException)) log.error({ err, url: req?.url }, 'unhandled error');
    else if (body.statusCode >= 500) log.warn({ url: req?.url, status: body.statusCode }, body.message);
    if (res.headersSent) {
      // Mid-stream failure: the status line is gone; cutting the connection is the only honest signal.
      res.destroy(err instanceof Error ? err : undefined);
      return;
    }
    if (failure) res.setHeader('Retry-After', String(failure.retryAfterSec));
    res.status(body.statusCode).json(body);
  }
}
