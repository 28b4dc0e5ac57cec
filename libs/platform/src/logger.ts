import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** One pino root per process; classes take children with a `context` (STYLE 15). */
let root: Logger | undefined;

export function rootLogger(level?: LogLevel, name?: string): Logger {
  if (!root || level) {
    root = pino({ level: level ?? process.env.LOG_LEVEL ?? 'info', name, base: { pid: process.pid } });
  }
  return root;
}

export function logger(context: string): Logger {
  return rootLogger().child({ context });
}

/** Routes Nest's own logging into pino as structured JSON. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pinoLog: Logger = rootLogger()) {}
  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    this.pinoLog[level]({ context }, typeof message === 'string' ? message : JSON.stringify(message));
  }
  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
}
