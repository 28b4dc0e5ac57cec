import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** apps/web/dist next to this app, whether run from dist/ or from source. */
export function defaultWebDist(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', 'web', 'dist');
}

/**
 * Serves the built React page at `/`, with an SPA fallback that never shadows `/api`, `/health`
 * or `/metrics`.
 */
export function serveWeb(app: NestExpressApplication, dir: string): boolean {
  if (!existsSync(join(dir, 'index.html'))) return false;
  app.useStaticAssets(dir, { index: 'index.html', maxAge: '1h', setHeaders: noCacheIndex });
  return true;
}

function noCacheIndex(res: { setHeader(name: string, value: string): void }, path: string): void {
  if (path.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
}
