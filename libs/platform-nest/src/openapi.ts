import type { INestApplication } from '@nestjs/common';
import { ApiResponse, DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { type HttpPolicy, needsToken } from '@rowflow/platform';

/** The one error body every 4xx/5xx carries (the exception filter and the access middleware). */
export const ERROR_BODY_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', example: 'Bad Request' },
    message: { type: 'string', example: 'rows: must be an integer between 1 and 100000000, got 1.5' },
    field: { type: 'string', description: 'The input at fault: a query parameter, a body path such as `dataset.tables[1].name`, or `body`', example: 'rows' },
  },
} as const;

const ERROR_REF = { $ref: '#/components/schemas/ErrorBody' };
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
type Method = (typeof METHODS)[number];
type Operation = NonNullable<OpenAPIObject['paths'][string][Method]>;

/** A streamed (non-JSON) success response: its media type with a string body. */
export function ApiStreamResponse(mediaType: string, description: string, status = 200): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, content: { [mediaType]: { schema: { type: 'string' } } } });
}

/** The app's document: Nest's scan plus the error body, the token and a catch-all error response. */
export function buildDocument(app: INestApplication, opts: { title: string; description: string }, policy: HttpPolicy): OpenAPIObject {
  const config = new DocumentBuilder().setTitle(opts.title).setDescription(opts.description).setVersion('0.1.0').addBearerAuth().build();
  return completeDocument(SwaggerModule.createDocument(app, config), policy);
}

/**
 * What the decorators cannot say once per app: every error response has the error body (so a
 * generated client can read `field`), every operation has a `default` error response (a Host,
 * Origin, token, media-type or size refusal can happen on any route), and the bearer scheme is
 * attached to each operation the access middleware asks a token for — computed with the same
 * `needsToken` rule, so the document cannot drift from what is enforced.
 */
export function completeDocument(doc: OpenAPIObject, policy: HttpPolicy): OpenAPIObject {
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ErrorBody: structuredClone(ERROR_BODY_SCHEMA) as never } };
  const withToken: HttpPolicy = { ...policy, token: policy.token ?? 'documented' };
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      addErrorResponses(op);
      if (needsToken(withToken, method.toUpperCase(), path.replace(/\{[^}]+\}/g, 'x'))) op.security = [{ bearer: [] }];
    }
  }
  return doc;
}

function addErrorResponses(op: Operation): void {
  for (const [code, res] of Object.entries(op.responses)) {
    if (res && /^[45]\d\d$/.test(code) && !('$ref' in res) && !res.content) res.content = { 'application/json': { schema: ERROR_REF } };
  }
  op.responses.default = {
    description: 'Error {statusCode, error, message, field?}: 400 bad input (field names it), 401 token, 403 foreign Origin, 404, 409, 413 body too large, 415 not JSON, 421 Host not allowed, 503 over the memory budget or database away (Retry-After)',
    content: { 'application/json': { schema: ERROR_REF } },
  };
}
