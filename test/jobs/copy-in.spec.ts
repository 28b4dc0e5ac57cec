import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { copyIn } from '@rowflow/pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../setup/helpers.js';

let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await pool.query('CREATE TABLE copy_in (id int NOT NULL, name text)');
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** The socket writes a client makes while `fn` runs (each write call, before Node batches them). */
async function socketWrites<T>(client: pg.PoolClient, fn: () => Promise<T>): Promise<{ result: T; writes: number; writevs: number }> {
  const socket = (client as unknown as { connection: { stream: import('node:net').Socket } }).connection.stream;
  const counts = { writes: 0, writevs: 0 };
  const proto = Object.getPrototypeOf(socket) as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  const own = socket as unknown as typeof proto;
  own._write = (...a: unknown[]) => (counts.writes++, proto._write.apply(socket, a));
  own._writev = (...a: unknown[]) => (counts.writevs++, proto._writev.apply(socket, a));
  try {
    return { result: await fn(), ...counts };
  } finally {
    delete (own as Partial<typeof proto>)._write;
    delete (own as Partial<typeof proto>)._writev;
  }
}

describe('copyIn', () => {
  it('loads the bytes as COPY FROM STDIN does, each CopyData message in one socket write', async () => {
    const chunks = [Buffer.from('1,"a, ""quoted"" name"\n2,'), Buffer.from('ünïcode\n3,\n'), Buffer.from('4,"multi\nline"\n')];
    const client = await pool.connect();
    try {
      const { result: sink, writes, writevs } = await socketWrites(client, async () => {
        const s = client.query(copyIn('COPY copy_in (id, name) FROM STDIN (FORMAT csv)'));
        await pipeline(Readable.from(chunks), s);
        return s;
      });
      expect(sink.rowCount).toBe(4);
      // The query, one writev per chunk (header + data together), CopyDone.
      expect(writevs).toBe(chunks.length);
      expect(writes).toBe(2);
    } finally {
      client.release();
    }
    const { rows } = await pool.query<{ id: number; name: string | null }>('SELECT id, name FROM copy_in ORDER BY id');
    expect(rows).toEqual([
      { id: 1, name: 'a, "quoted" name' },
      { id: 2, name: 'ünïcode' },
      { id: 3, name: null },
      { id: 4, name: 'multi\nline' },
    ]);
  });

  it('a destroyed COPY fails with CopyFail, loads nothing, and leaves the session usable', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const body = new Readable({ read() {} });
      body.push('10,x\n');
      const sink = client.query(copyIn('COPY copy_in (id, name) FROM STDIN (FORMAT csv)'));
      const done = pipeline(body, sink);
      setImmediate(() => body.destroy(new Error('source failed')));
      await expect(done).rejects.toThrow('source failed');
      await client.query('ROLLBACK');
      const { rows } = await client.query('SELECT count(*)::int AS n FROM copy_in WHERE id = 10');
      expect(rows[0]).toEqual({ n: 0 });
    } finally {
      client.release();
    }
  });

  it('a data error surfaces as the COPY error with its SQLSTATE', async () => {
    const client = await pool.connect();
    try {
      const sink = client.query(copyIn('COPY copy_in (id, name) FROM STDIN (FORMAT csv)'));
      await expect(pipeline(Readable.from([Buffer.from('not a number,x\n')]), sink)).rejects.toMatchObject({ code: '22P02' });
      const { rows } = await client.query('SELECT 1 AS ok');
      expect(rows[0]).toEqual({ ok: 1 });
    } finally {
      client.release();
    }
  });
});
