import http from 'node:http';
import type request from 'supertest';

/** A raw HTTP answer: status, headers and the body, parsed as JSON when it is JSON. */
export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

export interface RawRequest {
  method?: string;
  /** Sent exactly as given (a `host` here replaces the real one; nothing is added but Content-Length). */
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * One HTTP/1.1 request with full control over the Host header, the media type and the body
 * bytes (fetch would add or forbid some). Reads at most 1 MB of the answer.
 */
export function rawRequest(url: string, req: RawRequest = {}): Promise<RawAnswer> {
  const u = new URL(url);
  const headers: Record<string, string> = { ...req.headers };
  if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
  return new Promise((resolve, reject) => {
    const out = http.request({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method: req.method ?? 'GET', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
        if (text.length > 1_000_000) res.destroy();
      });
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) }));
    });
    // A server refusing an oversized body may close while we still send: the answer still counts.
    out.on('error', (err) => reject(err));
    out.end(req.body);
  });
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** supertest parser keeping CSV/NDJSON bodies as one string (its Response is a Node IncomingMessage). */
export function textParser(res: request.Response, cb: (err: Error | null, body: string) => void): void {
  const msg = res as unknown as http.IncomingMessage;
  let body = '';
  msg.setEncoding('utf8');
  msg.on('data', (c: string) => (body += c));
  msg.on('end', () => cb(null, body));
}
