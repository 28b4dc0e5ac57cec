import { buildSettings } from '@rowflow/jobs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../setup/helpers.js';

/**
 * The settings a key build runs with, executed on a real server the way the constraint phase
 * sends them (inside the build's transaction): memory is raised, never lowered, and both end
 * with the transaction.
 */
let db: { url: string; drop: () => Promise<void> };
let client: pg.Client;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

async function inBuild(settings: string): Promise<{ memory: string; workers: string }> {
  await client.query(`BEGIN;${settings}`);
  try {
    const { rows } = await client.query<{ memory: string; workers: string }>(
      `SELECT current_setting('maintenance_work_mem') AS memory, current_setting('max_parallel_maintenance_workers') AS workers`,
    );
    return rows[0]!;
  } finally {
    await client.query('COMMIT');
  }
}

describe('index build settings', () => {
  it('raises maintenance_work_mem for the build and turns parallel workers off when builds run side by side', async () => {
    await client.query(`SET maintenance_work_mem = '64MB'; SET max_parallel_maintenance_workers = 2`);
    expect(await inBuild(buildSettings(256, true))).toEqual({ memory: '256MB', workers: '0' });
    // Both were LOCAL: the session's own values are back after the build's transaction.
    expect(await inBuild('')).toEqual({ memory: '64MB', workers: '2' });
  });

  it('keeps a higher server setting and the parallel workers of a lone build', async () => {
    await client.query(`SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 2`);
    expect(await inBuild(buildSettings(256, false))).toEqual({ memory: '1GB', workers: '2' });
  });

  it('leaves memory to the server when set to 0', async () => {
    await client.query(`SET maintenance_work_mem = '64MB'`);
    expect((await inBuild(buildSettings(0, false))).memory).toBe('64MB');
  });
});
