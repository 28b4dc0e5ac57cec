import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SEED_HEADER } from '@rowflow/contracts';
import { createDatasetRowStream, datasetTableRows } from '@rowflow/generator';
import { configureApp } from '@rowflow/platform-nest';
import { findDataset } from '@rowflow/schema';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../../apps/generator/src/app.module.js';
import { loadGeneratorConfig } from '../../apps/generator/src/config/generator-config.js';
import { textParser } from '../support/raw-http.js';

let app: INestApplication;

beforeAll(async () => {
  const ref = await Test.createTestingModule({ imports: [AppModule.register(loadGeneratorConfig({ MAX_ROWS: '1000000' }))] }).compile();
  app = ref.createNestApplication({ logger: false });
  configureApp(app, { title: 't', description: 't' });
  await app.init();
});
afterAll(() => app?.close());

async function libBytes(table: string, seed: number, format: 'csv' | 'ndjson', offset = 0, rows?: number): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of createDatasetRowStream({ dataset: findDataset('shop'), table, seed, format, offset, rows })) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const small = {
  name: 'tiny',
  tables: [
    { name: 'teams', rows: 3, columns: [{ name: 'code', type: 'uuid', primaryKey: true }] },
    { name: 'players', perParent: { table: 'teams', distribution: 'fixed', count: 2 }, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'team', type: 'foreignKey', references: { table: 'teams' } }] },
  ],
};

describe('GET /api/generator/datasets', () => {
  it('lists catalog datasets with their tables and foreign keys', async () => {
    const res = await request(app.getHttpServer()).get('/api/generator/datasets').expect(200);
    const shop = res.body.find((d: { name: string }) => d.name === 'shop');
    expect(shop.tables.map((t: { name: string }) => t.name)).toEqual(['users', 'products', 'orders', 'order_items']);
    expect(shop.foreignKeys).toContainEqual({ table: 'orders', column: 'user_id', references: { table: 'users', column: 'id' }, notNull: true, self: false });
  });

  it('POST rows reports derived row counts for a seed', async () => {
    const res = await request(app.getHttpServer()).post('/api/generator/datasets/rows').send({ dataset: 'shop', seed: 4 }).expect(200);
    expect(res.body.seed).toBe(4);
    expect(res.body.tables).toContainEqual({ name: 'orders', rows: datasetTableRows(findDataset('shop'), 'orders', 4), derived: true });
    expect(res.body.tables).toContainEqual({ name: 'users', rows: 1000, derived: false });
  });
});

describe('dataset streams', () => {
  it('GET dataset=&table= streams the whole table by default, byte-identical to the library', async () => {
    const res = await request(app.getHttpServer()).get('/api/generator/stream/csv?dataset=shop&table=orders&seed=8').buffer(true).parse(textParser).expect(200);
    expect(res.headers[SEED_HEADER]).toBe('8');
    expect(res.body).toBe(await libBytes('orders', 8, 'csv'));
    expect((res.body as string).trimEnd().split('\n').length).toBe(datasetTableRows(findDataset('shop'), 'orders', 8) + 1);
  });

  it('GET with offset/rows is the slice', async () => {
    const res = await request(app.getHttpServer()).get('/api/generator/stream/ndjson?dataset=shop&table=order_items&seed=8&offset=100&rows=50').buffer(true).parse(textParser).expect(200);
    expect(res.body).toBe(await libBytes('order_items', 8, 'ndjson', 100, 50));
  });

  it('POST takes an inline dataset spec or a catalog name', async () => {
    const res = await request(app.getHttpServer()).post('/api/generator/stream/csv').send({ dataset: small, table: 'players', seed: 2 }).buffer(true).parse(textParser).expect(200);
    const lines = (res.body as string).trimEnd().split('\n');
    expect(lines.length).toBe(7);
    const teams = await request(app.getHttpServer()).post('/api/generator/stream/csv').send({ dataset: small, table: 'teams', seed: 2, header: false }).buffer(true).parse(textParser).expect(200);
    const codes = (teams.body as string).trimEnd().split('\n');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual([codes[0], codes[0], codes[1], codes[1], codes[2], codes[2]]);
    const named = await request(app.getHttpServer()).post('/api/generator/stream/csv').send({ dataset: 'shop', table: 'products', seed: 3, rows: 5 }).buffer(true).parse(textParser).expect(200);
    expect(named.body).toBe(await libBytes('products', 3, 'csv', 0, 5));
  });

  it.each([
    ['/api/generator/stream/csv?dataset=shap&table=users', 'dataset', /unknown dataset "shap"/],
    ['/api/generator/stream/csv?dataset=shop', 'table', /is required with a dataset/],
    ['/api/generator/stream/csv?dataset=shop&table=order', 'table', /did you mean "orders"/],
    ['/api/generator/stream/csv?dataset=shop&table=users&offset=999&rows=5', 'rows', /exceeds the 1000 rows/],
    ['/api/generator/stream/csv?dataset=shop&table=users&rate=10', 'rate', /not supported for dataset streams/],
    ['/api/generator/stream/csv?dataset=shop&table=users&partitionBy=_row&partitions=2&part=0', 'partitionBy', /not supported for dataset streams/],
  ])('GET %s → 400 naming %s', async (url, field, message) => {
    const res = await request(app.getHttpServer()).get(url).expect(400);
    expect(res.body.field).toBe(field);
    expect(res.body.message).toMatch(message);
  });

  it('POST with a bad inline spec → 400 naming the nested field', async () => {
    const bad = { ...small, tables: [small.tables[0], { ...small.tables[1], columns: [{ name: 'team', type: 'foreignKey', references: { table: 'teamz' } }] }] };
    const res = await request(app.getHttpServer()).post('/api/generator/stream/csv').send({ dataset: bad, table: 'players', seed: 1 }).expect(400);
    expect(res.body.field).toBe('dataset.tables[1].columns[0].references.table');
    expect(res.body.message).toMatch(/did you mean "teams"/);
  });
});
