/**
 * Env validation done once at boot: every key is parsed, every bad one is listed in
 * one error, and the caller gets a typed object.
 */
export type Parser<T> = (raw: string | undefined, key: string) => T;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Parsed<S> = { [K in keyof S]: S[K] extends Parser<infer T> ? T : never };

export function loadConfig<S extends Record<string, Parser<unknown>>>(
  spec: S,
  env: NodeJS.ProcessEnv = process.env,
): Parsed<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, parse] of Object.entries(spec)) {
    try {
      out[key] = parse(env[key], key);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Parsed<S>;
}

/** Integer in [min, max]; empty/absent gives the default. */
export function int(def: number, min = 0, max = Number.MAX_SAFE_INTEGER): Parser<number> {
  return (raw, key) => {
    if (raw === undefined || raw.trim() === '') return def;
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`${key} must be an integer, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`${key} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

export function port(def: number): Parser<number> {
  return int(def, 0, 65535);
}

export function oneOf<T extends string>(def: T, allowed: readonly T[]): Parser<T> {
  return (raw, key) => {
    if (raw === undefined || raw.trim() === '') return def;
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new Error(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  };
}

/** http(s) URL, or the default. Config only: never built from a request. */
export function url(def: string | undefined, protocols: readonly string[] = ['http:', 'https:']): Parser<string | undefined> {
  return (raw, key) => {
    if (raw === undefined || raw.trim() === '') return def;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new Error(`${key} must be a URL, got "${raw}"`);
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new Error(`${key} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
    }
    return raw.replace(/\/+$/, '');
  };
}

export function str(def: string): Parser<string> {
  return (raw) => (raw === undefined || raw === '' ? def : raw);
}

/** true/false (also 1/0, yes/no, on/off); empty/absent gives the default. */
export function bool(def: boolean): Parser<boolean> {
  return (raw, key) => {
    if (raw === undefined || raw === '') return def;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new Error(`${key} must be true or false, got "${raw}"`);
  };
}

/** Wraps an optional parser so that an absent value is an error; `hint` says where it comes from. */
export function required<T>(parser: Parser<T | undefined>, hint?: string): Parser<T> {
  return (raw, key) => {
    const v = parser(raw, key);
    if (v === undefined || v === '') throw new Error(`${key} is required${hint ? ` (${hint})` : ''}`);
    return v;
  };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Readable lines for a person at a terminal; JSON lines for anything that collects logs. */
export function defaultLogFormat(stream: { isTTY?: boolean } = process.stdout): LogFormat {
  return stream.isTTY ? 'pretty' : 'json';
}

/** LOG_FORMAT whose default is decided when the config is read (stdout a terminal or not). */
function logFormat(): Parser<LogFormat> {
  return (raw, key) => oneOf(defaultLogFormat(), LOG_FORMATS)(raw, key);
}

/** Logging keys every process validates with the rest of its configuration. */
export const LOG_CONFIG = {
  LOG_LEVEL: oneOf<LogLevel>('info', LOG_LEVELS),
  /** pretty (default on a terminal) or json (default otherwise). */
  LOG_FORMAT: logFormat(),
};

/** Comma-separated list, trimmed, empty items dropped; each item checked by `item` (throws a message). */
export function list(def: readonly string[], item: (value: string) => string = (v) => v): Parser<string[]> {
  return (raw, key) => {
    if (raw === undefined || raw.trim() === '') return [...def];
    return raw
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '')
      .map((v) => {
        try {
          return item(v);
        } catch (err) {
          throw new Error(`${key}: ${(err as Error).message}`);
        }
      });
  };
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 * 1024 };

/** A size in bytes: `1048576`, `512kb`, `1mb` (binary units); absent gives the default. */
export function bytes(def: number, min = 1, max = 1024 * 1024 * 1024): Parser<number> {
  return (raw, key) => {
    if (raw === undefined || raw.trim() === '') return def;
    const m = /^(\d+)\s*(b|kb|mb)?$/i.exec(raw.trim());
    if (!m) throw new Error(`${key} must be a size such as 1048576, 512kb or 1mb, got "${raw}"`);
    const n = Number(m[1]) * BYTE_UNITS[(m[2] ?? '').toLowerCase()]!;
    if (n < min || n > max) throw new Error(`${key} must be between ${min} and ${max} bytes, got ${n}`);
    return n;
  };
}

/**
 * An optional secret: absent/empty gives undefined. Printable ASCII without spaces (it travels
 * in an `Authorization` header) and at least 8 characters, so a typo like `1` is not a token.
 */
export function secret(): Parser<string | undefined> {
  return (raw, key) => {
    if (raw === undefined || raw === '') return undefined;
    if (!/^[\x21-\x7e]+$/.test(raw)) throw new Error(`${key} must be printable ASCII without spaces`);
    if (raw.length < 8) throw new Error(`${key} must be at least 8 characters, got ${raw.length}`);
    return raw;
  };
}
