import http from 'node:http';

export interface Read {
  ms: number;
  bytes: number;
  firstMs: number;
  tail: string;
}

/**
 * GETs `url` and drains it, timing the whole body (wall clock) and the first appearance of
 * `marker` (the first SSE data frame, or simply the first byte when marker is '').
 */
export function read(url: string, marker = ''): Promise<Read> {
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    let bytes = 0;
    let firstMs = -1;
    let head = '';
    let tail = '';
    http
      .get(url, { agent: false }, (res) => {
        if (res.statusCode !== 200) fail(new Error(`${url} → ${res.statusCode}`));
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (firstMs < 0) {
            head += chunk.toString('utf8', 0, Math.min(chunk.length, 4096));
            if (head.includes(marker)) firstMs = performance.now() - t0;
          }
          tail = (tail + chunk.toString('latin1', Math.max(0, chunk.length - 256))).slice(-256);
        });
        res.on('end', () => ok({ ms: performance.now() - t0, bytes, firstMs, tail }));
        res.on('error', fail);
      })
      .on('error', fail);
  });
}
