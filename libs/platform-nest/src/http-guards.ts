import {
  bearerMatches,
  hostAllowed,
  type HttpPolicy,
  needsToken,
  normalPath,
  originAllowed,
  SESSION_COOKIE,
  sessionMatches,
  sessionValue,
} from '@rowflow/platform';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Writes the house error body; used by middleware that runs before Nest's filter can. */
export function refuse(res: Response, status: number, error: string, message: string, field?: string): void {
  res.status(status).json({ statusCode: status, error, message, ...(field ? { field } : {}) });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

/**
 * DNS rebinding defence: a page on attacker.example whose name re-resolves to 127.0.0.1 reaches
 * us with `Host: attacker.example`. Only names we are known by are served.
 */
export function hostGuard(policy: HttpPolicy): RequestHandler {
  return (req, res, next) => {
    if (hostAllowed(req.headers.host, policy.allowedHosts)) return next();
    refuse(res, 421, 'Misdirected Request', 'this server does not answer to that Host name (see ALLOWED_HOSTS)', 'host');
  };
}

/** CORS for the configured origins only; without CORS_ORIGINS no Access-Control header is ever sent. */
export function corsHeaders(policy: HttpPolicy): RequestHandler {
  return (req, res, next) => {
    if (policy.corsOrigins.length === 0) return next();
    res.vary('Origin');
    const origin = req.headers.origin;
    if (!origin || !policy.corsOrigins.includes(origin)) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', 'Location, X-Rowflow-Seed');
    if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return next();
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Last-Event-ID');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}

/** A browser always sends Origin on cross-origin non-GET requests: refuse foreign ones (CSRF). */
export function originGuard(policy: HttpPolicy): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (isSafeMethod(req.method) || origin === undefined) return next();
    if (originAllowed(origin, req.headers.host, policy.corsOrigins)) return next();
    refuse(res, 403, 'Forbidden', 'cross-origin request refused: the Origin is neither this server nor in CORS_ORIGINS', 'origin');
  };
}

/**
 * `POST /api/session` with the bearer token sets an HttpOnly, SameSite=Strict cookie that
 * authorises reads (only reads): an EventSource cannot send an Authorization header.
 */
export function sessionRoute(policy: HttpPolicy): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || normalPath(req.path) !== '/api/session') return next();
    if (!policy.token) return void res.status(204).end(); // nothing to unlock
    if (!bearerMatches(req.headers.authorization, policy.token)) return unauthorized(res);
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${sessionValue(policy.token)}; Path=/; HttpOnly; SameSite=Strict`);
    res.status(204).end();
  };
}

/** Token check for everything `needsToken` says; a read may use the session cookie instead. */
export function tokenGuard(policy: HttpPolicy): RequestHandler {
  return (req, res, next) => {
    const token = policy.token;
    if (!token || !needsToken(policy, req.method, req.path)) return next();
    if (bearerMatches(req.headers.authorization, token)) return next();
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (read && sessionMatches(req.headers.cookie, token)) return next();
    unauthorized(res);
  };
}

function unauthorized(res: Response): void {
  res.setHeader('WWW-Authenticate', 'Bearer realm="rowflow"');
  refuse(res, 401, 'Unauthorized', 'missing or wrong token: send Authorization: Bearer <ROWFLOW_API_TOKEN>');
}

export type Middleware = (req: Request, res: Response, next: NextFunction) => void;
