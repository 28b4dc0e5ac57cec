import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureApp } from '@rowflow/platform-nest';
import { COLUMN_TYPES, tableSpecJsonSchema } from '@rowflow/schema';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../../apps/generator/src/app.module.js';
import { loadGeneratorConfig } from '../../apps/generator/src/config/generator-config.js';

let app: INestApplication;

beforeAll(async () => {
  const ref = await Test.createTestingModule({ imports: [AppModule.register(loadGeneratorConfig({}))] }).compile();
  app = ref.createNestApplication({ logger: false });
  configureApp(app, { title: 't', description: 't' });
  await app.init();
});
afterAll(() => app?.close());

interface Schema {
  properties?: Record<string, Schema>;
  items?: Schema;
  oneOf?: Schema[];
  enum?: string[];
}

describe('OpenAPI from the zod schema', () => {
  it('the stream body documents every column type with its own options, strictly', async () => {
    const doc = (await request(app.getHttpServer()).get('/api/docs/json').expect(200)).body as { components: { schemas: Record<string, Schema> } };
    const body = doc.components.schemas.StreamBodyDto;
    const variants = body?.properties?.schema?.properties?.columns?.items?.oneOf ?? [];
    expect(variants.map((v) => v.properties?.type?.enum?.[0])).toContain('foreignKey');
    expect(variants.length).toBe(COLUMN_TYPES.length);
    const array = variants.find((v) => v.properties?.type?.enum?.[0] === 'array');
    expect(array?.properties?.element?.oneOf?.length).toBe(COLUMN_TYPES.length - 3);
    const int = variants.find((v) => v.properties?.type?.enum?.[0] === 'int');
    expect(Object.keys(int?.properties ?? {})).toEqual(expect.arrayContaining(['min', 'max', 'distribution', 'mode', 'blockSize']));
    expect(int).toMatchObject({ additionalProperties: false });
    expect(body?.properties?.dataset?.oneOf?.[1]?.properties?.tables).toBeDefined();
  });

  it('the JSON Schema (2020-12) of a table spec is served as generated', async () => {
    const res = await request(app.getHttpServer()).get('/api/generator/spec-schema').expect(200);
    expect(res.body.table).toEqual(tableSpecJsonSchema());
    expect(res.body.dataset.properties.tables.items.properties.perParent.oneOf).toHaveLength(4);
  });
});
