import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bootGenerator, bootOrchestrator, freshDatabase, loadReference, postJson, tableMd5, waitForState } from '../support/index.js';
import { cli, killCli, startCli, waitFor } from './cli-harness.js';

let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let gen: { app: INestApplication; url: string };
let orch: { app: INestApplication; url: string };
let work: string;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  gen = await bootGenerator();
  orch = await bootOrchestrator(db.url, gen.url, { MAX_ROWS: '1000000' });
  work = await mkdtemp(join(tmpdir(), 'rowflow-cli-'));
});

afterAll(async () => {
  await orch?.app.close();
  await gen?.app.close();
  await pool?.end();
  await db?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const jobCount = async () => (await pool.query('SELECT count(*)::int AS n FROM rowflow.jobs').catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n as number;

describe('rowflow --help and usage errors', () => {
  it.each([[[]], [['generate']], [['load']], [['jobs']], [['jobs', 'watch']], [['export']], [['verify']], [['introspect']]])('%j --help exits 0 and lists its options', async (cmd) => {
    const res = await cli([...cmd, '--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Usage: rowflow');
    if (cmd[0] === 'load') expect(res.stdout).toContain('--database-url');
    // Every mode the job API takes, and every catalog table generate takes, is listed.
    if (cmd[0] === 'load') expect(res.stdout).toMatch(/create \| append \| truncate \| replace/);
    if (cmd[0] === 'generate') expect(res.stdout).toContain('clickstream');
    // introspect runs on the server only: it must not offer an in-process --database-url it refuses.
    if (cmd[0] === 'introspect') expect(res.stdout).toContain('--server');
    if (cmd[0] === 'introspect') expect(res.stdout).not.toContain('--database-url');
    if (cmd[0] === 'export') expect(res.stdout).toContain('--where');
    if (cmd.length === 0) expect(res.stdout).toContain('Exit codes');
  });

  it.each([
    [['generate', '--table', 'users', '--rows', 'abc'], 'rows'],
    [['generate', '--table', 'users', '--rows', '1.5'], 'rows'],
    [['generate', '--table', 'users', '--rows', '0'], 'rows'],
    [['generate', '--table', 'nope', '--rows', '5'], 'table'],
    [['generate', '--table', 'users', '--rows', '5', '--seed', '-1'], 'seed'],
    [['generate', '--table', 'users', '--rows', '5', '--offset', 'x'], 'offset'],
    [['generate', '--table', 'users', '--rows', '5', '--format', 'xml'], 'format'],
    [['load', '--table', 'users', '--rows', '10', '--partitions', '0'], 'partitions'],
    [['load', '--table', 'users', '--rows', '10', '--mode', 'upsert'], 'mode'],
    [['load', '--table', 'users', '--rows', '10', '--chunk-size', 'big'], 'chunkSize'],
    [['load', '--table', 'users', '--rows', '2000000'], 'rows'],
    [['load', '--table', 'users', '--rows', '10', '--target-table', 'x'.repeat(64)], 'targetTable'],
  ])('%j → exit 2, JSON error body naming %s, nothing created', async (args, field) => {
    const before = await jobCount();
    const res = await cli([...args, '--json', ...(args[0] === 'load' ? ['--database-url', db.url] : [])], { MAX_ROWS: '1000000' });
    expect(res.code, res.stderr).toBe(2);
    expect(JSON.parse(res.stdout)).toMatchObject({ statusCode: 400, error: 'Bad Request', field });
    expect(res.stderr).toContain(field);
    expect(await jobCount()).toBe(before);
  });

  it('an unknown flag is exit 2 with a suggestion; --server and --database-url together are refused', async () => {
    const res = await cli(['generate', '--table', 'users', '--rows', '5', '--sed', '3']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--seed');
    const both = await cli(['load', '--table', 'users', '--rows', '5', '--server', orch.url, '--database-url', db.url]);
    expect(both.code).toBe(2);
  });

  it('the same bad body through --server gets the HTTP API\'s own 400 (exit 2, same field)', async () => {
    const res = await cli(['load', '--table', 'users', '--rows', '10', '--partitions', '0', '--server', orch.url, '--json']);
    expect(res.code).toBe(2);
    expect(JSON.parse(res.stdout)).toMatchObject({ statusCode: 400, field: 'partitions' });
  });

  it('a server that wants a token: the 401 says how to give one (--token / ROWFLOW_API_TOKEN), and nothing is created', async () => {
    const guarded = await bootOrchestrator(db.url, gen.url, { ROWFLOW_API_TOKEN: 'cli-secret-token-1234' });
    try {
      const before = await jobCount();
      const args = ['load', '--table', 'users', '--rows', '10', '--target-table', 'tok_users', '--server', guarded.url, '--json'];
      const none = await cli(args, { ROWFLOW_API_TOKEN: '' });
      expect(JSON.parse(none.stdout)).toMatchObject({ statusCode: 401 });
      expect(JSON.parse(none.stdout).message).toMatch(/--token <token> or set ROWFLOW_API_TOKEN/);
      const wrong = await cli([...args, '--token', 'not-the-token'], { ROWFLOW_API_TOKEN: '' });
      expect(JSON.parse(wrong.stdout).message).toMatch(/refused the token/);
      expect([none.code, wrong.code]).toEqual([1, 1]); // refused by the server, as any failed request
      expect(await jobCount()).toBe(before);
    } finally {
      await guarded.app.close();
    }
  });
});

describe('rowflow generate', () => {
  it.each([
    ['csv', 'users', 2500, 42, 0],
    ['csv', 'orders', 1000, 7, 333],
    ['ndjson', 'users', 1200, 9, 10],
    ['ndjson', 'products', 300, 1, 0],
  ])('%s %s rows=%i seed=%i offset=%i: same sha256 as the HTTP generator', async (format, table, rows, seed, offset) => {
    const res = await cli(['generate', '--table', table, '--rows', String(rows), '--seed', String(seed), '--offset', String(offset), '--format', format]);
    expect(res.code, res.stderr).toBe(0);
    const http = Buffer.from(await (await fetch(`${gen.url}/api/generator/stream/${format}?table=${table}&rows=${rows}&seed=${seed}&offset=${offset}`)).arrayBuffer());
    expect(sha(res.stdout)).toBe(sha(http));
    expect(res.stderr).toContain(`seed: ${seed}`);
  });

  const tiny = {
    name: 'tiny',
    tables: [
      { name: 'teams', rows: 40, columns: [{ name: 'code', type: 'uuid', primaryKey: true }, { name: 'label', type: 'text', mode: 'word' }] },
      { name: 'players', perParent: { table: 'teams', distribution: 'uniform', min: 1, max: 5 }, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'team', type: 'foreignKey', references: { table: 'teams' } }] },
    ],
  };

  it.each([
    ['shop', 'orders', 'csv', 8, undefined, undefined],
    ['shop', 'order_items', 'ndjson', 8, 50, 100],
    ['shop', 'users', 'csv', 5, 300, 250],
    ['file', 'players', 'csv', 2, undefined, undefined],
    ['file', 'players', 'ndjson', 3, 7, 4],
    ['file', 'teams', 'csv', 9, 10, 0],
  ])('--dataset %s --table %s (%s, seed %i, rows %s, offset %s): same bytes as the HTTP dataset stream', async (which, table, format, seed, rows, offset) => {
    const file = join(work, 'tiny-dataset.json');
    await writeFile(file, JSON.stringify(tiny));
    const slice = { seed, ...(rows !== undefined ? { rows } : {}), ...(offset !== undefined ? { offset } : {}) };
    const flags = Object.entries(slice).flatMap(([k, v]) => [`--${k}`, String(v)]);
    const res = await cli(['generate', '--dataset', which === 'file' ? file : which, '--table', table, '--format', format, ...flags]);
    expect(res.code, res.stderr).toBe(0);
    const http = await fetch(`${gen.url}/api/generator/stream/${format}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dataset: which === 'file' ? tiny : which, table, ...slice }),
    });
    expect(http.status).toBe(200);
    const bytes = Buffer.from(await http.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(0);
    expect(sha(res.stdout)).toBe(sha(bytes));
    if (rows !== undefined) expect(res.stdout.trim().split('\n')).toHaveLength(rows + (format === 'csv' && (offset ?? 0) === 0 ? 1 : 0));
  });

  it('--dataset -o FILE --json reports the rows of the whole table when --rows is left out', async () => {
    const out = join(work, 'orders.csv');
    const res = await cli(['generate', '--dataset', 'shop', '--table', 'orders', '--seed', '4', '-o', out, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const counts = await (await fetch(`${gen.url}/api/generator/datasets/rows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataset: 'shop', seed: 4 }) })).json();
    const orders = counts.tables.find((t: { name: string }) => t.name === 'orders').rows as number;
    const file = await readFile(out);
    expect(JSON.parse(res.stdout)).toMatchObject({ table: 'orders', dataset: 'shop', rows: orders, seed: 4, sha256: sha(file) });
    expect(file.toString().trim().split('\n')).toHaveLength(orders + 1);
  });

  it('-o FILE with --json reports rows, bytes and the sha256 of the file; 1e3 is accepted as 1000', async () => {
    const out = join(work, 'users.csv');
    const res = await cli(['generate', '--table', 'users', '--rows', '1e3', '--seed', '3', '-o', out, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const result = JSON.parse(res.stdout);
    const file = await readFile(out);
    expect(result).toMatchObject({ rows: 1000, seed: 3, bytes: file.length, sha256: sha(file) });
    expect(file.toString().trim().split('\n')).toHaveLength(1001);
  });
});

describe('rowflow load / jobs / verify (in-process engine, real Postgres)', () => {
  let jobId: string;

  it('loads exactly N rows whose content equals the generator CSV (3 partitions)', async () => {
    const res = await cli(['load', '--table', 'users', '--rows', '15000', '--seed', '11', '--partitions', '3', '--chunk-size', '2000', '--target-table', 'cli_users', '--database-url', db.url, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const job = JSON.parse(res.stdout);
    expect(job).toMatchObject({ state: 'completed', phase: 'done', rowsTotal: 15_000, rowsWritten: 15_000, rowsSkipped: 0, seed: 11 });
    jobId = job.id;
    // Mode create builds the keys after the load (constraint phase), in-process too.
    const pk = await pool.query(`SELECT 1 FROM pg_constraint WHERE conrelid = 'public.cli_users'::regclass AND contype = 'p'`);
    expect(pk.rowCount).toBe(1);
    const ref = await loadReference(pool, gen.url, 'cli_users', 'users', 15_000, 11);
    const got = await tableMd5(pool, 'cli_users', 'id');
    expect(got.n).toBe(15_000);
    expect(got).toEqual(await tableMd5(pool, ref, 'id'));
  });

  it('jobs list/show see it, in-process and through --server', async () => {
    const list = JSON.parse((await cli(['jobs', 'list', '--database-url', db.url, '--json'])).stdout);
    expect(list.map((j: any) => j.id)).toContain(jobId);
    const show = await cli(['jobs', 'show', jobId, '--server', orch.url, '--json']);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: jobId, state: 'completed' });
    expect((await cli(['jobs', 'show', '00000000-0000-0000-0000-000000000000', '--server', orch.url])).code).toBe(1);
  });

  it('verify --job: ok, then an UPDATE of one row by hand is reported with its row range (exit 1)', async () => {
    const ok = await cli(['verify', '--job', jobId, '--database-url', db.url, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, rowsChecked: 15_000 });
    await pool.query(`UPDATE cli_users SET email = 'changed@example.com' WHERE id = 9001`); // row index 9000
    const bad = await cli(['verify', '--job', jobId, '--database-url', db.url, '--json']);
    expect(bad.code).toBe(1);
    const v = JSON.parse(bad.stdout);
    expect(v.ok).toBe(false);
    expect(v.firstMismatch.fromRow).toBeLessThanOrEqual(9000);
    expect(v.firstMismatch.toRow).toBeGreaterThan(9000);
    // Same answer from the server's endpoint through --server.
    const remote = await cli(['verify', '--job', jobId, '--server', orch.url, '--json']);
    expect(remote.code).toBe(1);
    expect(JSON.parse(remote.stdout).firstMismatch).toMatchObject({ fromRow: v.firstMismatch.fromRow, toRow: v.firstMismatch.toRow });
  });

  it('Ctrl-C stops a load at a committed chunk (exit 130); rerunning the same command continues it to exactly N rows', async () => {
    const args = ['load', '--table', 'pgbench_accounts', '--rows', '300000', '--seed', '2', '--chunk-size', '1000', '--partitions', '2', '--target-table', 'acc_int', '--database-url', db.url];
    const p = startCli(args);
    await waitFor(async () => {
      const r = await pool.query(`SELECT coalesce(sum(p.rows_written), 0)::int AS n FROM rowflow.job_partitions p JOIN rowflow.jobs j ON j.id = p.job_id WHERE j.target_table = 'acc_int'`);
      return r.rows[0].n >= 5000 ? true : undefined;
    }, 'some committed chunks');
    const stopped = await killCli(p, 'SIGINT');
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain('rerun the same command');
    const mid = await pool.query(`SELECT j.state, sum(p.rows_written)::int AS n FROM rowflow.jobs j JOIN rowflow.job_partitions p ON p.job_id = j.id WHERE j.target_table = 'acc_int' GROUP BY j.state`);
    expect(mid.rows[0].n).toBeLessThan(300_000);
    const again = await cli([...args, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('continuing job');
    expect(JSON.parse(again.stdout)).toMatchObject({ state: 'completed', rowsWritten: 300_000 });
    expect((await pool.query(`SELECT count(*)::int AS n, count(DISTINCT aid)::int AS d FROM acc_int`)).rows[0]).toEqual({ n: 300_000, d: 300_000 });
    const ref = await loadReference(pool, gen.url, 'acc_int', 'pgbench_accounts', 300_000, 2);
    expect(await tableMd5(pool, 'acc_int', 'aid')).toEqual(await tableMd5(pool, ref, 'aid'));
  });

  it('kill -9 of a load, then the rerun waits out the dead lease and completes exactly', async () => {
    const args = ['load', '--table', 'pgbench_accounts', '--rows', '200000', '--seed', '4', '--chunk-size', '1000', '--target-table', 'acc_kill', '--database-url', db.url];
    const p = startCli(args);
    await waitFor(async () => {
      const r = await pool.query(`SELECT coalesce(sum(p.rows_written), 0)::int AS n FROM rowflow.job_partitions p JOIN rowflow.jobs j ON j.id = p.job_id WHERE j.target_table = 'acc_kill'`);
      return r.rows[0].n >= 3000 ? true : undefined;
    }, 'some committed chunks');
    expect((await killCli(p)).signal).toBe('SIGKILL');
    const again = await cli([...args, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ state: 'completed', rowsWritten: 200_000 });
    expect((await pool.query(`SELECT count(*)::int AS n, count(DISTINCT aid)::int AS d FROM acc_kill`)).rows[0]).toEqual({ n: 200_000, d: 200_000 });
  });

  it('load --server runs the job on the orchestrator and follows it to completion', async () => {
    const res = await cli(['load', '--table', 'orders', '--rows', '3000', '--seed', '8', '--target-table', 'srv_orders', '--server', orch.url, '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ state: 'completed', rowsWritten: 3000 });
    expect((await pool.query('SELECT count(*)::int AS n FROM srv_orders')).rows[0].n).toBe(3000);
  });

  it('export --server: the server exports, the CLI downloads and checks the sha256', async () => {
    const out = join(work, 'srv.csv');
    const res = await cli(['export', '--table', 'srv_orders', '--out', out, '--server', orch.url, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const r = JSON.parse(res.stdout);
    expect(r).toMatchObject({ state: 'completed', rows: 3000 });
    expect(sha(await readFile(out))).toBe(r.sha256);
  });
});

describe('rowflow verify --job of a dataset job (tables loaded by the server)', () => {
  const dataset = {
    name: 'pets',
    tables: [
      { name: 'owners', rows: 2500, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'name', type: 'fullName' }] },
      {
        name: 'pets',
        perParent: { table: 'owners', distribution: 'uniform', min: 0, max: 3 },
        columns: [
          { name: 'id', type: 'serial', primaryKey: true },
          { name: 'owner_id', type: 'foreignKey', references: { table: 'owners', column: 'id' } },
          { name: 'species', type: 'enum', values: ['cat', 'dog', 'fish'] },
        ],
      },
    ],
  };

  it('prints one line per table; a child row changed by hand names that table and its range (exit 1), in-process and through --server', async () => {
    const res = await postJson(`${orch.url}/api/jobs`, { dataset, seed: 9, partitions: 2, targetPrefix: 'cli_' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const id = res.body.id;
    await waitForState(orch.url, id, ['completed']);
    const ok = await cli(['verify', '--job', id, '--database-url', db.url]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^ok: job .*2 table\(s\)/);
    expect(ok.stdout).toMatch(/^ {2}ok +owners \(public\.cli_owners\): 2500 match \(\d+ ranges\)/m);
    expect(ok.stdout).toMatch(/^ {2}ok +pets \(public\.cli_pets\)/m);
    await pool.query(`UPDATE cli_pets SET species = 'snake' WHERE id = 1500`); // row index 1499
    const bad = await cli(['verify', '--job', id, '--database-url', db.url, '--json']);
    expect(bad.code).toBe(1);
    const v = JSON.parse(bad.stdout);
    expect(v.ok).toBe(false);
    expect(v.firstMismatch).toMatchObject({ table: 'pets', ok: false });
    expect(v.firstMismatch.fromRow).toBeLessThanOrEqual(1499);
    expect(v.firstMismatch.toRow).toBeGreaterThan(1499);
    expect(v.tables.map((t: any) => [t.table, t.ok])).toEqual([['owners', true], ['pets', false]]);
    const remote = await cli(['verify', '--job', id, '--server', orch.url]);
    expect(remote.code).toBe(1);
    expect(remote.stdout).toMatch(/^ {2}ok +owners /m);
    expect(remote.stdout).toContain(`MISMATCH  pets (public.cli_pets)`);
    expect(remote.stdout).toContain(`first differing range rows ${v.firstMismatch.fromRow}..${v.firstMismatch.toRow}`);
  });
});

describe('rowflow introspect', () => {
  it('prints the dataset spec of live tables (exit 0); the spec written with -o generates rows with those tables\' columns', async () => {
    await pool.query('CREATE TABLE intro_teams (code uuid PRIMARY KEY, label text NOT NULL)');
    await pool.query('CREATE TABLE intro_players (id serial PRIMARY KEY, team uuid NOT NULL REFERENCES intro_teams (code), score integer)');
    const out = join(work, 'introspected.json');
    const res = await cli(['introspect', '--server', orch.url, '--tables', 'intro_players,intro_teams', '-o', out, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const printed = JSON.parse(res.stdout);
    const names = printed.dataset.tables.map((t: { name: string }) => t.name);
    expect([...names].sort()).toEqual(['intro_players', 'intro_teams']);
    const players = printed.dataset.tables.find((t: { name: string }) => t.name === 'intro_players');
    expect(players.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'team', 'score']);
    expect(players.columns.find((c: { name: string }) => c.name === 'team')).toMatchObject({ type: 'foreignKey', references: { table: 'intro_teams' } });
    // The file holds exactly the printed spec, and it is a dataset the generator accepts.
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(printed.dataset);
    const gen3 = await cli(['generate', '--dataset', out, '--table', 'intro_players', '--rows', '20', '--seed', '3']);
    expect(gen3.code, gen3.stderr).toBe(0);
    const lines = gen3.stdout.trim().split('\n');
    expect(lines[0]).toBe('id,team,score');
    expect(lines).toHaveLength(21);
  });
});
