import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { defaultAllowedHosts, type HttpPolicy } from '@rowflow/platform';
import type { Express, NextFunction, Request, Response } from 'express';
import { AllExceptionsFilter, DEPENDENCY_ERRORS, type DependencyErrorMapper, toErrorBody } from './exception.filter.js';
import { corsHeaders, hostGuard, originGuard, sessionRoute, tokenGuard } from './http-guards.js';
import { jsonBody, jsonOnly } from './json-body.js';
import { PinoNestLogger } from './nest-logger.js';
import { buildDocument } from './openapi.js';

export interface AppOptions {
  title: string;
  description: string;
}

/** Provider token of an app's HttpPolicy (its AppModule provides it from the validated config). */
export const HTTP_POLICY = 'ROWFLOW_HTTP_POLICY';

/** What an app without its own policy gets: loopback only, no token — the safe defaults. */
export const DEFAULT_HTTP_POLICY: HttpPolicy = {
  allowedHosts: defaultAllowedHosts('127.0.0.1'),
  corsOrigins: [],
  token: undefined,
  protectReads: false,
  bodyLimit: 1024 * 1024,
  readOnlyPosts: [],
  publicPaths: ['/health'],
};

/**
 * Creates a Nest app with the house wiring: pino logs, the access checks, one JSON body parser,
 * the global error filter, OpenAPI at /api/docs and shutdown hooks. Tests call `configureApp`
 * too, so they boot exactly what production boots.
 */
export async function createApp(module: unknown, opts: AppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module as Parameters<typeof NestFactory.create>[0], {
    logger: new PinoNestLogger(),
    bufferLogs: false,
    // Our own parser (jsonBody) enforces the size limit and the error shape.
    bodyParser: false,
    // SSE and keep-alive sockets would otherwise hold SIGTERM shutdown open indefinitely.
    forceCloseConnections: true,
  });
  configureApp(app, opts);
  return app;
}

export function configureApp(app: INestApplication, opts: AppOptions): void {
  const policy = policyOf(app);
  installHttpPolicy(app, policy);
  app.useGlobalFilters(new AllExceptionsFilter(dependencyErrorsOf(app)));
  app.enableShutdownHooks();
  const document = () => buildDocument(app, opts, policy);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/json' });
  // Also at Nest's usual `/api/docs-json`, where OpenAPI clients and generators look first.
  SwaggerModule.setup('api/docs', app, document, { ui: false, raw: ['json'], jsonDocumentUrl: 'api/docs-json' });
}

function dependencyErrorsOf(app: INestApplication): DependencyErrorMapper | undefined {
  try {
    return app.get<string, DependencyErrorMapper>(DEPENDENCY_ERRORS, { strict: false });
  } catch {
    return undefined;
  }
}

function policyOf(app: INestApplication): HttpPolicy {
  try {
    return app.get<string, HttpPolicy>(HTTP_POLICY, { strict: false });
  } catch {
    return DEFAULT_HTTP_POLICY;
  }
}

/**
 * Express middleware in front of every route and static file, in this order: Host (421), CORS
 * headers, Origin of non-GET requests (403), token (401), media type (415), body (413/400).
 * Registered before Nest adds its routes, so nothing reaches a handler unchecked.
 */
function installHttpPolicy(app: INestApplication, policy: HttpPolicy): void {
  const express = app.getHttpAdapter().getInstance() as Express;
  express.disable('x-powered-by');
  app.use(hostGuard(policy));
  app.use(corsHeaders(policy));
  app.use(originGuard(policy));
  app.use(sessionRoute(policy));
  app.use(tokenGuard(policy));
  app.use(jsonOnly());
  app.use(jsonBody(policy));
  // Errors thrown by the middleware above would reach Express's default handler (an HTML page
  // with a stack trace outside production): answer with the house body instead.
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const body = toErrorBody(err);
    res.status(body.statusCode).json(body);
  });
}
