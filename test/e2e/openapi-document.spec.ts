/**
 * The OpenAPI document of both services, as a client generator would read it: valid for an
 * independent parser (@readme/openapi-parser, not the library that wrote it), every route Express
 * serves is in it with a success and an error response, errors have their body schema, the token
 * is attached where the server asks for it, and counts are integers.
 */
import type { INestApplication } from '@nestjs/common';
import { compileErrors, validate } from '@readme/openapi-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { useStack } from '../support/index.js';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  parameters?: { name: string; in: string; schema?: Schema }[];
  security?: Record<string, string[]>[];
  requestBody?: unknown;
}
interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes?: Record<string, unknown> };
}

const stack = useStack();
const documents = new Map<string, Doc>();

beforeAll(async () => {
  // Read once: a keep-alive socket reused after a slow validation can meet the server closing it.
  for (const s of [stack.gen, stack.orch]) documents.set(s.url, (await (await fetch(`${s.url}/api/docs/json`)).json()) as Doc);
});

/** A fresh copy of a service's document (the parser dereferences in place). */
const docOf = async (base: string): Promise<Doc> => structuredClone(documents.get(base)!);

/** Every route the Express router serves: Nest's controllers, not swagger's own pages. */
function expressRoutes(app: INestApplication): { method: string; path: string }[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } };
  return express.router.stack
    .filter((l) => l.route && !l.route.path.startsWith('/api/docs'))
    .flatMap((l) => Object.keys(l.route!.methods).filter((m) => m !== '_all').map((method) => ({ method, path: l.route!.path.replace(/:(\w+)/g, '{$1}') })));
}

const services = () => [
  ['generator', stack.gen],
  ['orchestrator', stack.orch],
] as const;

describe('the OpenAPI document of both services', () => {
  it('validates with an independent OpenAPI parser', { timeout: 120_000 }, async () => {
    for (const [name, s] of services()) {
      const result = await validate((await docOf(s.url)) as never);
      expect(result.valid ? 'valid' : `${name}: ${compileErrors(result)}`).toBe('valid');
    }
  });

  it('has every served route with a 2xx and an error response, errors carrying the error body', async () => {
    for (const [name, s] of services()) {
      const doc = await docOf(s.url);
      const routes = expressRoutes(s.app);
      expect(routes.length).toBeGreaterThan(5);
      for (const { method, path } of routes) {
        const op = doc.paths[path]?.[method];
        expect(op, `${name} ${method.toUpperCase()} ${path} is not in the document`).toBeDefined();
        const codes = Object.keys(op!.responses);
        expect(codes.some((c) => /^2\d\d$/.test(c)), `${name} ${method} ${path}: no success response`).toBe(true);
        const errors = codes.filter((c) => /^[45]\d\d$/.test(c) || c === 'default');
        expect(errors.length, `${name} ${method} ${path}: no error response`).toBeGreaterThan(0);
        // Every 4xx and the catch-all carry the error body (a 503 of /health has its own).
        for (const c of errors.filter((e) => !e.startsWith('5'))) {
          expect(op!.responses[c]!.content?.['application/json']?.schema?.$ref, `${name} ${method} ${path} ${c}`).toBe('#/components/schemas/ErrorBody');
        }
      }
    }
  });

  it('describes the error body {statusCode, error, message, field?}', async () => {
    const body = (await docOf(stack.orch.url)).components.schemas.ErrorBody!;
    expect(Object.keys(body.properties ?? {}).sort()).toEqual(['error', 'field', 'message', 'statusCode']);
    expect(body.properties!.statusCode!.type).toBe('integer');
    expect(body.required?.sort()).toEqual(['error', 'message', 'statusCode']);
  });

  it('gives every success response a media type and a schema', async () => {
    const missing: string[] = [];
    for (const [path, ops] of [...Object.entries((await docOf(stack.orch.url)).paths), ...Object.entries((await docOf(stack.gen.url)).paths)]) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [code, res] of Object.entries(op.responses)) {
          if (!/^2\d\d$/.test(code) || code === '204') continue;
          const content = Object.entries(res.content ?? {});
          if (content.length === 0 || content.some(([, c]) => !c.schema)) missing.push(`${method} ${path} ${code}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('attaches the bearer token to operations that change state', async () => {
    for (const [, s] of services()) {
      const doc = await docOf(s.url);
      expect(Object.keys(doc.components.securitySchemes ?? {})).toContain('bearer');
    }
    const doc = await docOf(stack.orch.url);
    expect(doc.paths['/api/jobs']!.post!.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/exports/{id}/cancel']!.post!.security).toEqual([{ bearer: [] }]);
    // Reads need no token unless ROWFLOW_PROTECT_READS; a preview POST only streams rows.
    expect(doc.paths['/api/jobs']!.get!.security).toBeUndefined();
    expect(doc.paths['/api/orchestrator/stream']!.post!.security).toBeUndefined();
    expect((await docOf(stack.gen.url)).paths['/api/generator/stream/csv']!.post!.security).toBeUndefined();
  });

  it('types row counts and seeds as integers and lists the preview options', async () => {
    const orchDoc = await docOf(stack.orch.url);
    const job = orchDoc.components.schemas.CreateJobDto!.properties!;
    for (const k of ['rows', 'seed', 'partitions', 'skipLimit']) expect(job[k]!.type, `CreateJobDto.${k}`).toBe('integer');
    const status = orchDoc.components.schemas.JobStatusDto!.properties!;
    for (const k of ['rowsTotal', 'rowsWritten', 'rowsSkipped', 'seed']) expect(status[k]!.type, `JobStatusDto.${k}`).toBe('integer');
    const preview = orchDoc.paths['/api/orchestrator/stream']!.get!.parameters!;
    const byName = Object.fromEntries(preview.map((p) => [p.name, p.schema?.type]));
    expect(byName).toMatchObject({ rows: 'integer', seed: 'integer', offset: 'integer', partitions: 'integer', part: 'integer', rate: 'number', partitionBy: 'string' });
    const genDoc = await docOf(stack.gen.url);
    expect(genDoc.paths['/api/generator/stream/csv']!.post!.responses['200']!.content).toHaveProperty('text/csv');
  });
});
