import type { ErrorBody } from '@rowflow/contracts';
import { ApiError, UsageError, WorkFailed } from '../exit.js';

/** A running orchestrator over HTTP (`--server URL [--token T]`). */
export class ServerClient {
  private readonly base: string;

  constructor(
    server: string,
    private readonly token?: string,
  ) {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new UsageError(`--server must be a URL such as http://127.0.0.1:3000, got ${JSON.stringify(server)}`, 'server');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--server must be an http(s) URL', 'server');
    this.base = url.toString().replace(/\/$/, '');
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  headers(json = false): Record<string, string> {
    return { ...(json ? { 'content-type': 'application/json' } : {}), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) };
  }

  async get<T>(path: string): Promise<T> {
    return this.parse<T>(await this.fetch(path, { headers: this.headers() }));
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return this.parse<T>(await this.fetch(path, { method: 'POST', headers: this.headers(true), body: JSON.stringify(body ?? {}) }));
  }

  /** DELETE; a 204 gives undefined. */
  async delete(path: string): Promise<void> {
    await this.parse<unknown>(await this.fetch(path, { method: 'DELETE', headers: this.headers() }));
  }

  /** A raw response (downloads); errors are turned into ApiError like JSON calls. */
  async raw(path: string, signal?: AbortSignal): Promise<Response> {
    const res = await this.fetch(path, { headers: this.headers(), signal });
    if (!res.ok) await this.parse(res);
    return res;
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(this.url(path), init);
    } catch (err) {
      throw new WorkFailed(`cannot reach ${this.base}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`);
    }
  }

  private async parse<T>(res: Response): Promise<T> {
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = { message: text };
    }
    if (res.ok) return body as T;
    const b = (body ?? {}) as Partial<ErrorBody>;
    const message = res.status === 401 ? this.unauthorized() : (b.message ?? `HTTP ${res.status}`);
    throw new ApiError({ statusCode: res.status, error: b.error ?? res.statusText, message, ...(b.field ? { field: b.field } : {}) });
  }

  /** The server's 401 text speaks of HTTP headers; a CLI user sets a flag or a variable. */
  private unauthorized(): string {
    return this.token
      ? `the server refused the token (--token or ROWFLOW_API_TOKEN); check it matches the server's ROWFLOW_API_TOKEN`
      : `the server requires a token: pass --token <token> or set ROWFLOW_API_TOKEN`;
  }
}
