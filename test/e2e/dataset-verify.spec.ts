import { createHash } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { DatasetSpec } from '@rowflow/contracts';
import { createDatasetRowStream } from '@rowflow/generator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitFor } from '../cli/cli-harness.js';
import { bootOrchestrator, CUSTOMERS, freshDatabase, postJson, waitForState } from '../support/index.js';

/**
 * Manifests and verify of dataset jobs over real HTTP and Postgres: an in-process orchestrator
 * with its workers and manifest writer, generating rows locally (no generator service needed).
 */
let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let orch: { app: INestApplication; url: string };

/** A parent and a per-parent child with a foreign key into it. */
const CRM: DatasetSpec = {
  name: 'crm',
  tables: [
    CUSTOMERS,
    {
      name: 'orders',
      perParent: { table: 'customers', distribution: 'poisson', mean: 2 },
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'customer_id', type: 'foreignKey', references: { table: 'customers', column: 'id' } },
        { name: 'qty', type: 'int', min: 1, max: 5 },
      ],
    },
  ],
};
const SEED = 41;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  orch = await bootOrchestrator(db.url, 'http://127.0.0.1:9', { JOB_ROW_SOURCE: 'local' });
});

afterAll(async () => {
  await orch?.app.close();
  await pool?.end();
  await db?.drop();
});

const getJson = async (path: string): Promise<{ status: number; body: any }> => {
  const res = await fetch(`${orch.url}${path}`);
  return { status: res.status, body: await res.json() };
};

/** sha256 of the generator's CSV for rows [from, to) of a dataset table: what the job loaded there. */
async function generatedSha(table: string, from: number, to: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const c of createDatasetRowStream({ dataset: CRM, table, seed: SEED, offset: from, rows: to - from, format: 'csv', header: false })) hash.update(c as Buffer);
  return hash.digest('hex');
}

/** The range of a table's manifest holding row index `row`. */
function rangeOf(manifest: any, table: string, row: number): { fromRow: number; toRow: number } {
  const t = manifest.tables.find((x: any) => x.table === table);
  const r = t.ranges.find((x: any) => x.fromRow <= row && row < x.toRow);
  return { fromRow: r.fromRow, toRow: r.toRow };
}

describe('dataset job manifests and verify', () => {
  let jobId: string;
  let manifest: any;

  it('a completed dataset job gets a manifest with one entry per table, each range hashing the generator bytes', async () => {
    const res = await postJson(`${orch.url}/api/jobs`, { dataset: CRM, seed: SEED, partitions: 2, targetPrefix: 'crm_' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    jobId = res.body.id;
    await waitForState(orch.url, jobId, ['completed']);
    // The background writer covers dataset jobs too, unasked.
    const stored = await waitFor(async () => (await pool.query('SELECT manifest FROM rowflow.job_manifests WHERE job_id = $1', [jobId])).rows[0]?.manifest, 'the stored manifest');
    const got = await getJson(`/api/jobs/${jobId}/manifest`);
    expect(got.status).toBe(200);
    manifest = got.body;
    expect(manifest).toEqual(stored);
    expect(manifest).toMatchObject({ kind: 'job', version: 2, dataset: 'crm', seed: SEED, table: 'customers', targetTable: 'crm_customers' });
    expect(manifest.ranges).toBeUndefined(); // top-level ranges are a single-table job's only
    const tables = (await pool.query('SELECT name, target_table, rows_total FROM rowflow.job_tables WHERE job_id = $1 ORDER BY index', [jobId])).rows;
    expect(manifest.tables.map((t: any) => [t.table, t.targetTable, t.targetSchema, t.rowsTotal])).toEqual(tables.map((t) => [t.name, t.target_table, 'public', Number(t.rows_total)]));
    expect(manifest.rowsTotal).toBe(tables.reduce((n, t) => n + Number(t.rows_total), 0));
    for (const t of manifest.tables) {
      expect(t.specHash).toMatch(/^[0-9a-f]{64}$/);
      // The ranges tile the table's rows exactly, and each hashes what the generator makes for it.
      expect(t.ranges[0].fromRow).toBe(0);
      expect(t.ranges.at(-1).toRow).toBe(t.rowsTotal);
      t.ranges.slice(1).forEach((r: any, i: number) => expect(r.fromRow).toBe(t.ranges[i].toRow));
      for (const r of t.ranges) expect(r.sha256).toBe(await generatedSha(t.table, r.fromRow, r.toRow));
    }
    expect(manifest.specHash).not.toBe(manifest.tables[0].specHash); // the dataset's, not one table's
  });

  it('verify ok for every table', async () => {
    const ok = await getJson(`/api/jobs/${jobId}/verify`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, dataset: 'crm', rowsChecked: manifest.rowsTotal });
    expect(ok.body.firstMismatch).toBeUndefined();
    expect(ok.body.tables.map((t: any) => [t.table, t.targetTable, t.ok, t.rowsChecked])).toEqual(manifest.tables.map((t: any) => [t.table, t.targetTable, true, t.rowsTotal]));
    expect(ok.body.ranges).toHaveLength(manifest.tables.reduce((n: number, t: any) => n + t.ranges.length, 0));
    expect(ok.body.ranges.every((r: any) => r.ok && r.generatorMatchesManifest)).toBe(true);
  });

  it('a child row changed by hand is found in the child table with its range; restoring it verifies ok again', async () => {
    const orders = manifest.tables.find((t: any) => t.table === 'orders');
    const id = Math.floor(orders.rowsTotal * 0.7); // serial key: row index id - 1
    const { qty } = (await pool.query('SELECT qty FROM crm_orders WHERE id = $1', [id])).rows[0];
    await pool.query('UPDATE crm_orders SET qty = qty + 100 WHERE id = $1', [id]);
    const bad = await getJson(`/api/jobs/${jobId}/verify`);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.firstMismatch).toMatchObject({ table: 'orders', ...rangeOf(manifest, 'orders', id - 1), ok: false });
    expect(bad.body.firstMismatch.expectedRows).toBe(bad.body.firstMismatch.actualRows);
    expect(bad.body.tables.map((t: any) => [t.table, t.ok])).toEqual([['customers', true], ['orders', false]]);
    expect(bad.body.tables[1].firstMismatch).toEqual(bad.body.firstMismatch);
    expect(bad.body.ranges.filter((r: any) => !r.ok).map((r: any) => r.table)).toEqual(['orders']);
    await pool.query('UPDATE crm_orders SET qty = $2 WHERE id = $1', [id, qty]);
    expect((await getJson(`/api/jobs/${jobId}/verify`)).body.ok).toBe(true);
  });

  it('a row nobody generated, added to the child table, is reported for that table', async () => {
    await pool.query('INSERT INTO crm_orders (id, customer_id, qty) VALUES (1000000000, 1, 1)');
    const extra = await getJson(`/api/jobs/${jobId}/verify`);
    expect(extra.body.ok).toBe(false);
    expect(extra.body.firstMismatch).toMatchObject({ table: 'orders', reason: expect.stringContaining('outside'), actualRows: extra.body.tables[1].rowsChecked + 1 });
    await pool.query('DELETE FROM crm_orders WHERE id = 1000000000');
  });

  it('a parent row deleted by hand is found in the parent table with its range', async () => {
    // A customer without orders can go without breaking the foreign key the job built.
    const { id } = (await pool.query('SELECT c.id FROM crm_customers c WHERE NOT EXISTS (SELECT 1 FROM crm_orders o WHERE o.customer_id = c.id) ORDER BY c.id DESC LIMIT 1')).rows[0];
    await pool.query('DELETE FROM crm_customers WHERE id = $1', [id]);
    const gone = await getJson(`/api/jobs/${jobId}/verify`);
    expect(gone.body.ok).toBe(false);
    const range = rangeOf(manifest, 'customers', id - 1);
    expect(gone.body.firstMismatch).toMatchObject({ table: 'customers', ...range, expectedRows: range.toRow - range.fromRow, actualRows: range.toRow - range.fromRow - 1 });
    expect(gone.body.tables.map((t: any) => [t.table, t.ok])).toEqual([['customers', false], ['orders', true]]);
  });
});

describe('single-table job manifests', () => {
  it('carry the same list of tables plus the top-level ranges; a stored version-1 manifest still verifies', async () => {
    const res = await postJson(`${orch.url}/api/jobs`, { table: 'users', rows: 3000, seed: 5, partitions: 2, targetTable: 'users_v1' });
    expect(res.status).toBe(202);
    const id = res.body.id;
    await waitForState(orch.url, id, ['completed']);
    const m = (await getJson(`/api/jobs/${id}/manifest`)).body;
    expect(m).toMatchObject({ kind: 'job', version: 2, dataset: null, table: 'users', targetTable: 'users_v1', rowsTotal: 3000 });
    expect(m.tables).toHaveLength(1);
    expect(m.ranges).toEqual(m.tables[0].ranges);
    expect(m.specHash).toBe(m.tables[0].specHash);
    // A manifest as stored before dataset jobs were covered, with one range's hash altered so
    // the answer shows the stored manifest is really read.
    const v1 = { kind: 'job', version: 1, jobId: id, table: m.table, targetTable: m.targetTable, specHash: m.specHash, seed: m.seed, rowsTotal: m.rowsTotal, createdAt: m.createdAt, ranges: m.ranges.map((r: any, i: number) => (i === 1 ? { ...r, sha256: '0'.repeat(64) } : r)) };
    await pool.query('INSERT INTO rowflow.job_manifests (job_id, manifest) VALUES ($1, $2) ON CONFLICT (job_id) DO UPDATE SET manifest = EXCLUDED.manifest', [id, JSON.stringify(v1)]);
    expect((await getJson(`/api/jobs/${id}/manifest`)).body).toEqual(v1);
    const v = (await getJson(`/api/jobs/${id}/verify`)).body;
    expect(v).toMatchObject({ ok: true, rowsChecked: 3000, dataset: null, targetTable: 'users_v1' });
    expect(v.ranges.map((r: any) => r.generatorMatchesManifest)).toEqual(m.ranges.map((_: unknown, i: number) => i !== 1));
  });
});

describe('jobs that cannot be verified yet', () => {
  let other: { url: string; drop: () => Promise<void> } | undefined;
  let api: { app: INestApplication; url: string } | undefined;
  afterAll(async () => {
    await api?.app.close();
    await other?.drop();
  });

  it('a dataset job that is not completed: manifest and verify answer 409 naming its state; an unknown id 404', async () => {
    // No workers on this database: the job stays queued for as long as the test needs.
    other = await freshDatabase(inject('databaseUrl'));
    api = await bootOrchestrator(other.url, 'http://127.0.0.1:9', { JOB_WORKERS: 'false', JOB_ROW_SOURCE: 'local' });
    const res = await postJson(`${api.url}/api/jobs`, { dataset: CRM, seed: SEED, targetPrefix: 'q_' });
    expect(res.status).toBe(202);
    for (const what of ['manifest', 'verify']) {
      const r = await fetch(`${api.url}/api/jobs/${res.body.id}/${what}`);
      expect(r.status).toBe(409);
      expect((await r.json()).message).toContain('queued');
    }
    expect((await fetch(`${api.url}/api/jobs/00000000-0000-0000-0000-000000000000/verify`)).status).toBe(404);
  });
});
