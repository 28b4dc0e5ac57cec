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

/** Maps a thrown value to the wire error (its message capped). Domain errors come from framework-free libs. */
export function toErrorBody(err: unknown): ErrorBody {
  const body = errorBodyOf(err);
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
  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    const body = toErrorBody(err);
    // Expected 5xx (e.g. generator unavailable → 503) are HttpExceptions: a warning, no stack.
    if (body.statusCode >= 500 && !(err instanceof HttpException)) log.error({ err, url: req?.url }, 'unhandled error');
    else if (body.statusCode >= 500) log.warn({ url: req?.url, status: body.statusCode }, body.message);
    if (res.headersSent) {
      // Mid-stream failure: the status line is gone; cutting the connection is the only honest signal.
      res.destroy(err instanceof Error ? err : undefined);
      return;
    }
    res.status(body.statusCode).json(body);
  }
}
