import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AllExceptionsFilter } from './exception.filter.js';
import { PinoNestLogger } from './logger.js';

export interface AppOptions {
  title: string;
  description: string;
}

/**
 * Creates a Nest app with the house wiring: pino logs, the global error filter, OpenAPI at
 * /api/docs and shutdown hooks. Tests call this too, so they boot exactly what production boots.
 */
export async function createApp(module: unknown, opts: AppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module as Parameters<typeof NestFactory.create>[0], {
    logger: new PinoNestLogger(),
    bufferLogs: false,
    // SSE and keep-alive sockets would otherwise hold SIGTERM shutdown open indefinitely.
    forceCloseConnections: true,
  });
  configureApp(app, opts);
  return app;
}

export function configureApp(app: INestApplication, opts: AppOptions): void {
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  const doc = new DocumentBuilder().setTitle(opts.title).setDescription(opts.description).setVersion('0.1.0').build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'api/docs/json',
  });
  // Also at Nest's usual `/api/docs-json`, where OpenAPI clients and generators look first.
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), { ui: false, raw: ['json'], jsonDocumentUrl: 'api/docs-json' });
}
