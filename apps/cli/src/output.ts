import { readFile } from 'node:fs/promises';
import { errorBody } from './exit.js';

/** Options every command that prints a result takes. */
export interface OutputOptions {
  json?: boolean;
  progress?: boolean;
}

/** Prints a result: JSON on stdout with --json, else the human text. */
export function emit(result: unknown, opts: OutputOptions, human: () => string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${human()}\n`);
}

/** Prints an error: the HTTP API's error body with --json (stdout), and always a line on stderr. */
export function emitError(err: unknown, json: boolean): void {
  const body = errorBody(err);
  if (json) process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  process.stderr.write(`error: ${body.message}\n`);
}

/**
 * A number flag as the JSON API would receive it: digits (or `1e6` as a convenience) become a
 * number, anything else is passed on as the string so the shared validators name the field.
 */
export function numberArg(raw: string | undefined): number | string | undefined {
  if (raw === undefined) return undefined;
  return /^\s*[+-]?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(raw) ? Number(raw) : raw;
}

/**
 * A number flag as a query string would carry it: `1e6` (a convenience of the CLI) becomes the
 * digits the strict query validators accept; anything else is passed on unchanged for them to name.
 */
export function digitsArg(raw: string | undefined): string | undefined {
  const n = numberArg(raw);
  return typeof n === 'number' && Number.isSafeInteger(n) ? String(n) : raw;
}

/** Reads a JSON file given to a flag (e.g. --schema spec.json). */
export async function jsonFile(path: string, field: string): Promise<unknown> {
  const { UsageError } = await import('./exit.js');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--${field}: cannot read ${path}: ${(err as Error).message}`, field);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--${field}: ${path} is not valid JSON`, field);
  }
}

/** Copies only the keys that were given (undefined means "not on the command line"). */
export function defined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}
