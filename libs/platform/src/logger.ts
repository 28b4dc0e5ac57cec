import { pino, type Logger } from 'pino';
import { LOG_LEVELS, type LogLevel } from './config.js';

/**
 * One pino root per process; classes take children with a `context`.
 *
 * The root is created lazily: modules call `logger('X')` at import time, long before `main`
 * has validated the configuration, and creating pino with a bad level there would crash boot
 * with a pino error instead of the config error list. `main` calls `rootLogger(level)` once the
 * config is valid; until then nothing has been created.
 */
let root: Logger | undefined;

/** The root logger; `level` (validated config) replaces it, so children follow the new level. */
export function rootLogger(level?: LogLevel, name?: string): Logger {
  if (!root || level) root = pino({ level: level ?? fallbackLevel(), name, base: { pid: process.pid } });
  return root;
}

/** Library use without an app main (tests, the CLI): a valid LOG_LEVEL from env, else info. */
function fallbackLevel(): LogLevel {
  const env = process.env.LOG_LEVEL;
  return (LOG_LEVELS as readonly string[]).includes(env ?? '') ? (env as LogLevel) : 'info';
}

/**
 * A child logger with `context`, resolved on first use (and again if the root was replaced),
 * so a module-level `const log = logger('X')` creates nothing at import time.
 */
export function logger(context: string): Logger {
  let child: Logger | undefined;
  let of: Logger | undefined;
  const current = (): Logger => {
    const r = rootLogger();
    if (!child || of !== r) [child, of] = [r.child({ context }), r];
    return child;
  };
  return new Proxy({} as Logger, {
    get(_target, prop) {
      const target = current();
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
