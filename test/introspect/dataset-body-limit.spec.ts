import { Body, Controller, type INestApplication, Module, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureApp, HTTP_POLICY } from '@rowflow/platform-nest';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orchestratorHttpPolicy } from '../../apps/orchestrator/src/common/http-policy.js';
import { loadOrchestratorConfig } from '../../apps/orchestrator/src/config/orchestrator-config.js';

/** Answers with the size of the body it was given: what matters here is whether the parser let it through. */
@Controller('api')
class EchoController {
  @Post('jobs')
  jobs(@Body() body: { tables: unknown[] }) {
    return { tables: body.tables.length };
  }

  @Post('introspect')
  introspect(@Body() body: { tables: unknown[] }) {
    return { tables: body.tables.length };
  }
}

let app: INestApplication;

beforeAll(async () => {
  const config = loadOrchestratorConfig({ DATABASE_URL: 'postgres://unused@127.0.0.1:1/x', BODY_LIMIT: '64kb', DATASET_BODY_LIMIT: '1mb' });
  @Module({ controllers: [EchoController], providers: [{ provide: HTTP_POLICY, useValue: orchestratorHttpPolicy(config) }] })
  class EchoModule {}
  const ref = await Test.createTestingModule({ imports: [EchoModule] }).compile();
  app = ref.createNestApplication({ logger: false, bodyParser: false });
  configureApp(app, { title: 't', description: 't' });
  await app.init();
});

afterAll(async () => {
  await app?.close();
});

/** A dataset-shaped body of about `bytes` bytes. */
function spec(bytes: number): { name: string; tables: object[] } {
  const table = { name: 't', rows: 1, columns: [{ name: 'id', type: 'serial', primaryKey: true }] };
  const n = Math.ceil(bytes / JSON.stringify(table).length);
  return { name: 'big', tables: Array.from({ length: n }, (_, i) => ({ ...table, name: `t${i}` })) };
}

describe('DATASET_BODY_LIMIT', () => {
  it('a dataset spec over BODY_LIMIT is accepted on the dataset endpoints', async () => {
    const body = spec(300 * 1024);
    const res = await request(app.getHttpServer()).post('/api/jobs').send(body).expect(201);
    expect(res.body).toEqual({ tables: body.tables.length });
  });

  it('other endpoints keep BODY_LIMIT', async () => {
    const res = await request(app.getHttpServer()).post('/api/introspect').send(spec(300 * 1024)).expect(413);
    expect(res.body).toMatchObject({ field: 'body', message: 'body: larger than BODY_LIMIT (65536 bytes)' });
  });

  it('the dataset endpoints refuse a body over DATASET_BODY_LIMIT, naming it', async () => {
    const res = await request(app.getHttpServer()).post('/api/jobs').send(spec(1100 * 1024)).expect(413);
    expect(res.body).toMatchObject({ field: 'body', message: 'body: larger than DATASET_BODY_LIMIT (1048576 bytes)' });
  });
});
