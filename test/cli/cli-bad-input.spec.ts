import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '@rowflow/jobs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dbSnapshot, freshDatabase } from '../support/index.js';
import { cli } from './cli-harness.js';

let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let work: string;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await migrate(pool);
  await pool.query('CREATE TABLE items (id integer PRIMARY KEY, name text)');
  await pool.query(`INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 50) g`);
  work = await mkdtemp(join(tmpdir(), 'rowflow-cli-bad-'));
  await mkdir(join(work, 'state'));
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Everything a refused command could have written: relations, job and export rows, the items table. */
async function state() {
  const items = await pool.query<{ n: number; md5: string }>(`SELECT count(*)::int AS n, md5(string_agg(id || ':' || name, ',' ORDER BY id)) AS md5 FROM items`);
  const exports = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rowflow.exports');
  return { ...(await dbSnapshot(pool)), exports: exports.rows[0]!.n, items: items.rows[0] };
}

// A port nothing listens on: a command that contacted it would fail with exit 1, not 2.
const DEAD_SERVER = 'http://127.0.0.1:9';
const DB = '\u0000db'; // replaced by the database URL
const OUT = '\u0000out'; // replaced by a fresh file path under the work directory

/** [what, argv, field named in the JSON error body (undefined: a parser error without one), text stderr must contain]. */
const CASES: Array<[string, string[], string | undefined, string]> = [
  ['rows negative', ['generate', '--table', 'users', '--rows', '-1'], 'rows', 'rows'],
  ['rows fractional', ['generate', '--table', 'users', '--rows', '1.5'], 'rows', 'rows'],
  ['rows not a number', ['generate', '--table', 'users', '--rows', 'abc'], 'rows', 'rows'],
  ['rows 1e99', ['generate', '--table', 'users', '--rows', '1e99'], 'rows', 'rows'],
  ['offset negative', ['generate', '--table', 'users', '--rows', '5', '--offset', '-5'], 'offset', 'offset'],
  ['unknown table', ['generate', '--table', 'userz', '--rows', '5'], 'table', 'table'],
  ['unknown format', ['generate', '--table', 'users', '--rows', '5', '--format', 'xml'], 'format', 'format'],
  ['unknown dataset table', ['generate', '--dataset', 'shop', '--table', 'order', '--rows', '5'], 'table', 'orders'],
  ['unknown option, with a suggestion', ['generate', '--table', 'users', '--rows', '5', '--sed', '1'], undefined, 'Did you mean --seed?'],
  ['load: unknown option, with a suggestion', ['load', '--table', 'users', '--rows', '5', '--partiton', '2', '--database-url', DB], undefined, 'Did you mean --partitions?'],
  ['load: rows negative', ['load', '--table', 'users', '--rows', '-1', '--database-url', DB], 'rows', 'rows'],
  ['load: rows 1e99', ['load', '--table', 'users', '--rows', '1e99', '--database-url', DB], 'rows', 'rows'],
  ['load: unknown table', ['load', '--table', 'userz', '--rows', '5', '--database-url', DB], 'table', 'table'],
  ['load: append into a missing table', ['load', '--table', 'users', '--rows', '5', '--mode', 'append', '--target-table', 'missing_t', '--database-url', DB], 'targetTable', 'targetTable'],
  ['load: a non-postgres database URL', ['load', '--table', 'users', '--rows', '5', '--database-url', 'mysql://u@localhost/db'], 'database-url', '--database-url'],
  ['load: a database URL that is no URL', ['load', '--table', 'users', '--rows', '5', '--database-url', 'not a url'], 'database-url', '--database-url'],
  ['export: raw SQL as the filter', ['export', '--table', 'items', '--where', 'id = 1; DROP TABLE items', '--out', OUT, '--database-url', DB], 'where', 'where'],
  ['export: a filter with SQL after it', ['export', '--table', 'items', '--where', `{"col":"name","op":"=","value":"a"} OR 1=1 --`, '--out', OUT, '--database-url', DB], 'where', 'where'],
  ['export: SQL in the operator', ['export', '--table', 'items', '--where', `{"col":"name","op":"= 'a' OR 1=1 --","value":"a"}`, '--out', OUT, '--database-url', DB], 'where.op', 'where.op'],
  ['export: unknown filter column', ['export', '--table', 'items', '--where', '{"col":"nope","op":"=","value":1}', '--out', OUT, '--database-url', DB], 'where.col', 'where.col'],
  ['export: SQL as the filter column', ['export', '--table', 'items', '--where', '{"col":"id; DROP TABLE items","op":"=","value":1}', '--out', OUT, '--database-url', DB], 'where.col', 'where.col'],
  ['export: unknown --order-by column', ['export', '--table', 'items', '--order-by', 'nope', '--out', OUT, '--database-url', DB], 'orderBy', 'orderBy'],
  ['export: SQL in --order-by', ['export', '--table', 'items', '--order-by', 'id; DROP TABLE items', '--out', OUT, '--database-url', DB], 'orderBy', 'orderBy'],
  ['export: --out inside the export work directory', ['export', '--table', 'items', '--out', '\u0000state/../state/x.csv', '--database-url', DB], 'out', 'out'],
  ['export: --out in a directory that does not exist', ['export', '--table', 'items', '--out', '\u0000nowhere/x.csv', '--database-url', DB], 'out', 'out'],
  ['export: --out is a directory', ['export', '--table', 'items', '--out', '\u0000state-parent', '--database-url', DB], 'out', 'out'],
  ['export: unknown table', ['export', '--table', 'itemz', '--out', OUT, '--database-url', DB], 'table', 'table'],
  ['verify: an export id escaping the work directory', ['verify', '--export', '../../etc'], 'export', 'export'],
  ['verify: a job id that is no uuid', ['verify', '--job', 'x; DROP TABLE items', '--database-url', DB], 'job', 'job'],
  ['jobs show: a non-uuid id (database)', ['jobs', 'show', "'; DROP TABLE rowflow.jobs; --", '--database-url', DB], 'id', 'id'],
  ['jobs show: a non-uuid id (server: refused before any request)', ['jobs', 'show', 'not-a-uuid', '--server', DEAD_SERVER], 'id', 'id'],
  ['jobs cancel: a non-uuid id', ['jobs', 'cancel', '12', '--database-url', DB], 'id', 'id'],
];

/** Fills in the placeholders: the database URL, paths under the work directory, the export work dir. */
function argv(args: string[], i: number): string[] {
  const out = args.map((a) => {
    if (a === DB) return db.url;
    if (a === OUT) return join(work, `out-${i}.csv`);
    if (a === '\u0000state-parent') return join(work, 'state');
    if (a.startsWith('\u0000')) return join(work, a.slice(1));
    return a;
  });
  return args[0] === 'export' || (args[0] === 'verify' && args[1] === '--export') ? [...out, '--export-dir', join(work, 'state')] : out;
}

describe('bad CLI arguments: exit 2, the field named, nothing written', () => {
  it.each(CASES.map((c, i) => [...c, i] as const))('%s', async (_what, args, field, mention, i) => {
    const before = await state();
    const res = await cli([...argv(args, i), '--json']);
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr).toContain(mention);
    if (field !== undefined) expect(JSON.parse(res.stdout)).toMatchObject({ statusCode: 400, error: 'Bad Request', field });
    else expect(res.stderr).toMatch(/unknown option/);
    expect(await state()).toEqual(before);
    if (args[0] === 'export') {
      expect(existsSync(join(work, `out-${i}.csv`))).toBe(false);
      // A refused export leaves no work directory (plan, checkpoints) behind either.
      expect(await readdir(join(work, 'state'))).toEqual([]);
    }
  });
});

describe('a TARGET_SCHEMA the server refuses at boot is refused by the CLI too', () => {
  it.each([
    ['export of rowflow.jobs', 'rowflow', ['export', '--table', 'jobs', '--order-by', 'id', '--out', OUT, '--database-url', DB]],
    ['export of pg_catalog.pg_class', 'pg_catalog', ['export', '--table', 'pg_class', '--order-by', 'oid', '--out', OUT, '--database-url', DB]],
    ['load into rowflow', 'rowflow', ['load', '--table', 'users', '--rows', '5', '--database-url', DB]],
  ])('%s: exit 2 naming TARGET_SCHEMA, nothing read or written', async (_what, schema, args) => {
    const i = CASES.length + 100 + schema.length + args.length;
    const before = await state();
    const res = await cli([...argv(args, i), '--json'], { TARGET_SCHEMA: schema });
    expect(res.code, res.stderr).toBe(2);
    expect(JSON.parse(res.stdout)).toMatchObject({ statusCode: 400, field: 'TARGET_SCHEMA' });
    expect(await state()).toEqual(before);
    expect(existsSync(join(work, `out-${i}.csv`))).toBe(false);
    expect(await readdir(join(work, 'state'))).toEqual([]);
  });
});
