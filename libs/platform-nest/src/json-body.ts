import { bodyLimitFor, type HttpPolicy } from '@rowflow/platform';
import type { Request, RequestHandler, Response } from 'express';
import { duplicateKey } from './duplicate-keys.js';
import { isSafeMethod, refuse } from './http-guards.js';

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** `application/json`, optionally with `charset=utf-8`; anything else is another media type. */
export function isJsonType(header: string): boolean {
  const [type, ...params] = header.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => !p.startsWith('charset=') || /^charset="?utf-8"?$/.test(p));
}

/**
 * Request bodies are JSON only. A cross-origin page can send `text/plain` or a form without a
 * CORS preflight; refusing every other media type means such a "simple request" can never reach
 * a handler that changes state.
 */
export function jsonOnly(): RequestHandler {
  return (req, res, next) => {
    if (isSafeMethod(req.method)) return next();
    const type = req.headers['content-type'];
    if (type === undefined && !hasBody(req)) return next();
    if (type !== undefined && isJsonType(type)) return next();
    refuse(res, 415, 'Unsupported Media Type', `request bodies must be application/json, got ${JSON.stringify(type ?? 'none')}`, 'content-type');
  };
}

/**
 * Reads and parses the JSON body with one size limit; a body over it is refused here, before any
 * handler runs (so never a 202 first). Malformed JSON is a 400 naming `body`.
 */
export function jsonBody(policy: HttpPolicy): RequestHandler {
  return (req, res, next) => {
    if (isSafeMethod(req.method) || !hasBody(req)) return next();
    const limit = bodyLimitFor(policy, req.path);
    if (Number(req.headers['content-length'] ?? 0) > limit.limit) return tooLarge(req, res, limit);
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit.limit) return void chunks.push(chunk);
      if (done) return;
      done = true;
      tooLarge(req, res, limit);
    });
    req.once('error', () => {
      done = true; // the client went away mid-body: nothing to answer
    });
    req.once('end', () => {
      if (done) return;
      done = true;
      if (parseInto(req, res, Buffer.concat(chunks))) next();
    });
  };
}

// Fatal: a lenient decode turns invalid bytes into U+FFFD, and that character would then reach
// table names and generated values as if the client had sent it. ignoreBOM keeps a BOM in the
// text, so JSON.parse refuses it as before.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function parseInto(req: Request, res: Response, bytes: Buffer): boolean {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    refuse(res, 400, 'Bad Request', 'body: is not valid UTF-8', 'body');
    return false;
  }
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch (err) {
    refuse(res, 400, 'Bad Request', `body: malformed JSON (${(err as Error).message})`, 'body');
    return false;
  }
  const dup = duplicateKey(text);
  if (dup !== undefined) {
    refuse(res, 400, 'Bad Request', `${dup}: given more than once in the body; send each key once`, dup);
    return false;
  }
  if (!wellFormed(body)) {
    refuse(res, 400, 'Bad Request', 'body: contains a lone UTF-16 surrogate escape (such as \\ud800), which is no character', 'body');
    return false;
  }
  (req as { body?: unknown }).body = body;
  return true;
}

/**
 * Valid UTF-8 can still spell a lone surrogate as a JSON escape (`"\ud800"`); encoded for
 * Postgres or the wire it would become U+FFFD, as invalid bytes did. Every string and key is
 * checked, iteratively: a body may nest deeper than the call stack.
 */
function wellFormed(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length) {
    const v = pending.pop();
    if (typeof v === 'string') {
      if (!(v as unknown as { isWellFormed(): boolean }).isWellFormed()) return false;
    } else if (Array.isArray(v)) {
      for (const item of v as unknown[]) pending.push(item); // no spread: an array may be longer than the argument limit
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, item] of Object.entries(v)) pending.push(k, item);
    }
  }
  return true;
}

function tooLarge(req: Request, res: Response, { limit, key }: { limit: number; key: string }): void {
  // Close after answering: reading the rest of an oversized body is what the limit prevents.
  res.setHeader('Connection', 'close');
  refuse(res, 413, 'Payload Too Large', `body: larger than ${key} (${limit} bytes)`, 'body');
  req.resume();
}
