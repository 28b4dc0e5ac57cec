import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExportRequest, partFile, planExport, runExport } from '@rowflow/export';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copySha } from '../cli/cli-harness.js';
import { freshDatabase } from '../setup/helpers.js';

/** runExport against real Postgres and real files: how a failed part ends the export. */
let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let dir: string;
const ROWS = 60_000;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  dir = await mkdtemp(join(tmpdir(), 'rowflow-export-engine-'));
  await pool.query(`CREATE TABLE accounts AS SELECT g AS id, 'acct ' || g AS label FROM generate_series(1, ${ROWS}) g`);
  await pool.query('ALTER TABLE accounts ADD PRIMARY KEY (id)');
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('runExport with parallel parts', () => {
  it('when one part fails, the others stop before runExport rejects (nothing keeps writing its files)', async () => {
    const plan = await planExport(pool, 'public', parseExportRequest({ table: 'accounts', workers: 2, chunkRows: 1000 }));
    expect(plan.ranges).toHaveLength(2);
    const work = join(dir, 'e1');
    const first = new pg.Pool({ connectionString: db.url, max: 4 });
    let settled = false;
    let lateSessions = 0;
    let reported = 0;
    first.on('acquire', () => {
      if (settled) lateSessions++;
    });
    try {
      // The first progress report fails its part (as a failing chunk would); the other part goes on.
      const failing = runExport(plan, {
        pool: first, id: 'e1', dir: work, finalPath: join(work, 'out.csv'), signal: new AbortController().signal,
        onProgress: () => {
          if (!reported++) throw new Error('disk trouble');
        },
      });
      await expect(failing).rejects.toThrow('disk trouble');
      settled = true;
      // The rerun (a resume) goes through every chunk of both parts: a part of the failed run
      // still going would take sessions from its pool meanwhile.
      const m = await runExport(plan, { pool, id: 'e1', dir: work, finalPath: join(work, 'out.csv'), signal: new AbortController().signal });
      expect(m.file.rows).toBe(ROWS);
      expect(createHash('sha256').update(await readFile(join(work, 'out.csv'))).digest('hex')).toBe(await copySha(pool, 'SELECT * FROM accounts ORDER BY id'));
      expect(lateSessions).toBe(0);
    } finally {
      await first.end();
    }
  });

  it('re-exports when the finished file is gone, also if a crash left the part checkpoints without their manifest', async () => {
    const plan = await planExport(pool, 'public', parseExportRequest({ table: 'accounts', workers: 2, chunkRows: 5000 }));
    const work = join(dir, 'e2');
    const out = join(work, 'out.csv');
    const opts = { pool, id: 'e2', dir: work, finalPath: out, signal: new AbortController().signal };
    const reference = await copySha(pool, 'SELECT * FROM accounts ORDER BY id');
    await runExport(plan, opts);
    // The finished file removed: a rerun exports again. It first drops the manifest, then the
    // part checkpoints; killed in between, it leaves checkpoints that say "done" for parts
    // that no longer exist.
    await rm(out);
    await rm(join(work, 'manifest.json'));
    const m = await runExport(plan, opts);
    expect(m.file.rows).toBe(ROWS);
    expect(createHash('sha256').update(await readFile(out)).digest('hex')).toBe(reference);
  });

  it('after a crash between manifest and rename, places the re-joined parts only if they hash to the manifest; damaged parts mean exporting again', async () => {
    const plan = await planExport(pool, 'public', parseExportRequest({ table: 'accounts', workers: 2, chunkRows: 5000 }));
    const work = join(dir, 'e3');
    const out = join(work, 'out.csv');
    const opts = { pool, id: 'e3', dir: work, finalPath: out, signal: new AbortController().signal };
    const reference = await copySha(pool, 'SELECT * FROM accounts ORDER BY id');
    const sha = async () => createHash('sha256').update(await readFile(out)).digest('hex');
    const first = await runExport(plan, opts);
    const bytes = await readFile(out);
    const cut = first.parts[1].chunks[0].offset;
    // What a crash after the manifest and before the rename leaves: the manifest and both part
    // files, no final file. `damage` flips one byte in the second part, as a bad disk would.
    const crashed = async (damage: boolean) => {
      await rm(out);
      const second = Buffer.from(bytes.subarray(cut));
      if (damage) second[second.length - 3] ^= 0x01;
      await writeFile(partFile(work, 0), bytes.subarray(0, cut));
      await writeFile(partFile(work, 1), second);
    };
    await crashed(false);
    const rejoined = await runExport(plan, opts);
    expect(rejoined.finishedAt).toBe(first.finishedAt); // the stored manifest: joined, checked, placed
    expect(await sha()).toBe(reference);
    await crashed(true);
    const redone = await runExport(plan, opts);
    expect(redone.file.sha256).toBe(reference);
    expect(await sha()).toBe(reference);
  });
});
