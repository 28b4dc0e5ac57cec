import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { defaultLogFormat, LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './config.js';

/**
 * One pino root per process; classes take children with a `context`.
 *
 * The root is created lazily: modules call `logger('X')` at import time, long before `main`
 * has validated the configuration, and creating pino with a bad level there would crash boot
 * with a pino error instead of the config error list. `main` calls `rootLogger(level)` once the
 * config is valid; until then nothing has been created.
 */
let root: Logger | undefined;

/**
 * The root logger; `level` (validated config) replaces it, so children follow the new level.
 * `format` is the validated LOG_FORMAT (absent: from the environment, else by terminal).
 */
export function rootLogger(level?: LogLevel, name?: string, format?: LogFormat): Logger {
  if (!root || level) root = pino({ level: level ?? fallbackLevel(), name, base: { pid: process.pid } }, destination(format ?? fallbackFormat()));
  return root;
}

/**
 * pretty: one line per event, time, level, process name, context and message, the structured
 * fields after it on the same line, so nothing a JSON line carries is lost. Synchronous, so a
 * line logged just before `process.exit` is still printed.
 */
function destination(format: LogFormat): DestinationStream | undefined {
  if (format === 'json') return undefined;
  return pretty({
    sync: true,
    colorize: process.stdout.isTTY === true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context',
    messageFormat: '{if context}{context}: {end}{msg}',
  });
}

/** Library use without an app main (tests, the CLI): a valid LOG_LEVEL from env, else info. */
function fallbackLevel(): LogLevel {
  const env = process.env.LOG_LEVEL;
  return (LOG_LEVELS as readonly string[]).includes(env ?? '') ? (env as LogLevel) : 'info';
}

/** The same for LOG_FORMAT: a valid value from env, else pretty on a terminal and JSON otherwise. */
function fallbackFormat(): LogFormat {
  const env = process.env.LOG_FORMAT;
  return (LOG_FORMATS as readonly string[]).includes(env ?? '') ? (env as LogFormat) : defaultLogFormat();
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
