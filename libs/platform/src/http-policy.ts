import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { bool, bytes, ConfigError, list, secret } from './config.js';

/**
 * Who may call an HTTP app, from where, with what. Framework-free: the Nest adapter turns it into
 * middleware; the rules themselves live here so they are unit-tested without a server.
 */
export interface HttpPolicy {
  /** Host names (no port) a request's Host header may carry; `*` allows any. */
  allowedHosts: string[];
  /** Cross-origin callers allowed (exact origins, e.g. `https://app.example`); empty = CORS off. */
  corsOrigins: string[];
  /** When set, state-changing requests (and reads, with `protectReads`) need this bearer token. */
  token: string | undefined;
  protectReads: boolean;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /**
   * Largest body of the paths that take a whole dataset spec (`datasetPaths`, exact): a schema
   * of thousands of tables is a spec of megabytes. Absent: `bodyLimit` for those paths too.
   */
  datasetBodyLimit?: number;
  datasetPaths?: string[];
  /** POST paths that only read (streams, previews): open unless `protectReads`. Exact paths. */
  readOnlyPosts: string[];
  /** GET paths that stay open even when reads are protected (health checks). */
  publicPaths: string[];
}

/** Env keys shared by every app; spread into the app's config spec. */
export const HTTP_CONFIG = {
  /** Bearer token for state-changing requests; unset = no authentication. */
  ROWFLOW_API_TOKEN: secret(),
  /** Also require the token for reads (previews, downloads, lists). */
  ROWFLOW_PROTECT_READS: bool(false),
  /** Host header allowlist (comma list of names); empty = the bound HOST plus loopback names. */
  ALLOWED_HOSTS: list([], hostName),
  /** Origins allowed to call cross-origin (CORS); empty = CORS off. */
  CORS_ORIGINS: list([], origin),
  /** Request body limit, shared by the orchestrator and the generator. */
  BODY_LIMIT: bytes(1024 * 1024, 1024),
  /** Body limit of the endpoints that take a dataset spec (jobs, exports, dataset rows); never below BODY_LIMIT. */
  DATASET_BODY_LIMIT: bytes(64 * 1024 * 1024, 1024),
};

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1'];

/**
 * Rules across keys, run after `loadConfig`: asking for protected reads without a token would
 * protect nothing while the operator believes otherwise, so it is a configuration error.
 */
export function checkHttpConfig<C extends { ROWFLOW_API_TOKEN: string | undefined; ROWFLOW_PROTECT_READS: boolean }>(config: C): C {
  if (config.ROWFLOW_PROTECT_READS && !config.ROWFLOW_API_TOKEN) {
    throw new ConfigError(['ROWFLOW_PROTECT_READS=true needs ROWFLOW_API_TOKEN (the token the reads are protected with)']);
  }
  return config;
}

/** A warning for the boot log, or undefined: reachable from other machines with no token. */
export function exposureWarning(config: { HOST: string; ROWFLOW_API_TOKEN: string | undefined }): string | undefined {
  const local = LOOPBACK_HOSTS.includes(config.HOST) || config.HOST.startsWith('127.');
  if (local || config.ROWFLOW_API_TOKEN) return undefined;
  return `HOST=${config.HOST} accepts connections from other machines and ROWFLOW_API_TOKEN is not set: anyone who can reach it can start and cancel jobs`;
}

function hostName(v: string): string {
  if (v === '*') return v;
  const h = v.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (!/^[a-z0-9.:_-]+$/.test(h) || h.length > 253) throw new Error(`"${v}" is not a host name`);
  // Requests are matched by the Host header's name without its port, so `name:8080` could never
  // match: refused here instead of locking every request out with 421 (a colon is IPv6 only).
  if (h.includes(':') && !isIPv6(h)) throw new Error(`"${v}" has a port; list host names without one (any port is allowed)`);
  return h;
}

function origin(v: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new Error(`"${v}" is not an origin such as https://app.example`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.origin !== v.replace(/\/$/, '')) {
    throw new Error(`"${v}" is not an origin such as https://app.example (scheme, host and port only)`);
  }
  return u.origin;
}

/** Default allowlist: the host the app binds to plus the loopback names. */
export function defaultAllowedHosts(boundHost: string): string[] {
  const bound = hostName(boundHost);
  // Bound to every interface: the names it is reached by are unknown; ALLOWED_HOSTS lists them.
  const wildcard = bound === '0.0.0.0' || bound === '::';
  return [...new Set([...(wildcard ? [] : [bound]), ...LOOPBACK_HOSTS])];
}

/** The host name of a Host header (`[::1]:3000` → `::1`, `Example.com:80` → `example.com`). */
export function hostOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 && validPort(h.slice(end + 1)) ? h.slice(1, end) : undefined;
  }
  const colon = h.indexOf(':');
  if (colon >= 0 && h.indexOf(':', colon + 1) >= 0) return undefined; // bare IPv6 is not a valid Host
  const name = colon >= 0 ? h.slice(0, colon) : h;
  // Host is `name[:port]` and nothing else (RFC 9110 §7.2): `localhost:4200@evil.example` names
  // evil.example to anything that parses it as a URL authority, so it is no allowed host.
  if (!/^[a-z0-9._-]*$/.test(name) || !validPort(colon >= 0 ? h.slice(colon) : '')) return undefined;
  return name;
}

/** `` or `:` followed by 1–5 digits. */
function validPort(rest: string): boolean {
  return rest === '' || /^:\d{1,5}$/.test(rest);
}

export function hostAllowed(header: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  const host = hostOf(header);
  return host !== undefined && host !== '' && allowed.includes(host);
}

/**
 * May a request carrying `Origin` change state? Yes when the origin is the server's own (same
 * host:port as the Host header the browser used) or explicitly allowed for CORS.
 */
export function originAllowed(originHeader: string, hostHeader: string | undefined, corsOrigins: readonly string[]): boolean {
  if (corsOrigins.includes(originHeader)) return true;
  try {
    const u = new URL(originHeader);
    return hostHeader !== undefined && u.host === hostHeader.trim().toLowerCase();
  } catch {
    return false; // `null` (sandboxed frames, file pages) and garbage are never our own origin
  }
}

/** Constant-time equality of two secrets of any length (hashing first hides the length). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Does an `Authorization` header carry the token? */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  return m !== null && secretsEqual(m[1]!, token);
}

/** Name of the cookie that lets an EventSource (which cannot send headers) read protected streams. */
export const SESSION_COOKIE = 'rowflow_session';

/** The cookie's value: derived from the token, so it is void as soon as the token changes. */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('rowflow read session v1').digest('base64url');
}

/** Does a `Cookie` header carry a valid read session for the token? */
export function sessionMatches(cookieHeader: string | undefined, token: string): boolean {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE && secretsEqual(rest.join('='), sessionValue(token))) return true;
  }
  return false;
}

/** Path as routed: case-insensitive, trailing slash ignored (Express matches the same way). */
export function normalPath(path: string): string {
  const p = path.toLowerCase();
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/**
 * Does this request need the token? Every method but GET/HEAD/OPTIONS does (safe by default: a
 * new state-changing endpoint is protected without anyone listing it), except the listed
 * read-only POSTs; reads only with `protectReads` (the health check and the page's own files
 * stay open so a page can load and ask for the token).
 */
export function needsToken(policy: HttpPolicy, method: string, path: string): boolean {
  if (!policy.token || method === 'OPTIONS') return false;
  const p = normalPath(path);
  const read = method === 'GET' || method === 'HEAD' || (method === 'POST' && policy.readOnlyPosts.includes(p));
  if (!read) return true;
  if (!policy.protectReads) return false;
  if (policy.publicPaths.includes(p)) return false;
  return p === '/api' || p.startsWith('/api/') || p === '/metrics';
}

/** The body limit of a request to `path` and the key that sets it. */
export function bodyLimitFor(policy: HttpPolicy, path: string): { limit: number; key: 'BODY_LIMIT' | 'DATASET_BODY_LIMIT' } {
  if (policy.datasetBodyLimit !== undefined && (policy.datasetPaths ?? []).includes(normalPath(path))) return { limit: policy.datasetBodyLimit, key: 'DATASET_BODY_LIMIT' };
  return { limit: policy.bodyLimit, key: 'BODY_LIMIT' };
}

/** Builds a policy from the validated shared keys and the app's own lists. */
export function httpPolicy(
  config: { HOST: string } & { [K in keyof typeof HTTP_CONFIG]: ReturnType<(typeof HTTP_CONFIG)[K]> },
  app: { readOnlyPosts: string[]; publicPaths?: string[]; bodyAllowance?: number; datasetPaths?: string[] },
): HttpPolicy {
  return {
    allowedHosts: config.ALLOWED_HOSTS.length > 0 ? config.ALLOWED_HOSTS : defaultAllowedHosts(config.HOST),
    corsOrigins: config.CORS_ORIGINS,
    token: config.ROWFLOW_API_TOKEN,
    protectReads: config.ROWFLOW_PROTECT_READS,
    bodyLimit: config.BODY_LIMIT + (app.bodyAllowance ?? 0),
    datasetBodyLimit: Math.max(config.BODY_LIMIT, config.DATASET_BODY_LIMIT) + (app.bodyAllowance ?? 0),
    datasetPaths: (app.datasetPaths ?? []).map(normalPath),
    readOnlyPosts: app.readOnlyPosts.map(normalPath),
    publicPaths: (app.publicPaths ?? ['/health']).map(normalPath),
  };
}
