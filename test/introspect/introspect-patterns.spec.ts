import type { INestApplication } from '@nestjs/common';
import type { DatasetSpec } from '@rowflow/contracts';
import { datasetTableRows } from '@rowflow/generator';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { count, createSchema, type IntrospectHarness, introspect, load, startIntrospectHarness } from './harness.js';
import { PATTERNS_DDL } from './pattern-schemas.js';

const ROWS = 3000;
const SEED = 7;
let harness: IntrospectHarness;
let pool: pg.Pool;
let app: INestApplication;
let spec: DatasetSpec;
let warnings: string[];

const table = (name: string) => spec.tables.find((t) => t.name === name);
const column = (t: string, c: string) => table(t)?.columns.find((x) => x.name === c);

beforeAll(async () => {
  harness = await startIntrospectHarness(inject('databaseUrl'));
  ({ pool, app } = harness);
  await createSchema(pool, 'patterns_src', PATTERNS_DDL);
  await createSchema(pool, 'patterns_dst', PATTERNS_DDL);
  ({ dataset: spec, warnings } = await introspect(app, { schema: 'patterns_src', rows: ROWS }));
});

afterAll(async () => {
  await harness?.close();
});

describe('introspecting real-schema patterns', () => {
  it('loads every table into the same DDL, every constraint and unique index live, with the counts the spec says', async () => {
    await load(pool, spec, 'patterns_dst', SEED);
    for (const t of spec.tables) expect(await count(pool, 'patterns_dst', t.name), t.name).toBe(datasetTableRows(spec, t.name, SEED));
    expect(await count(pool, 'patterns_dst', 'accounts')).toBe(ROWS);
    expect(await count(pool, 'patterns_dst', 'profile_settings')).toBe(await count(pool, 'patterns_dst', 'users'));
    expect(await count(pool, 'patterns_dst', 'events_2024_01')).toBeGreaterThan(0);
    expect(await count(pool, 'patterns_dst', 'events_2024_02')).toBeGreaterThan(0);
  });

  it('unique indexes: single-column → unique, multi-column → composite key, partial/expression ones warned with their text', () => {
    expect(column('accounts', 'code')).toMatchObject({ unique: true });
    expect(column('accounts', 'email')).toMatchObject({ unique: true });
    expect(column('accounts', 'handle')).toMatchObject({ unique: true });
    expect(table('accounts')?.compositeKey).toEqual({ columns: ['tenant_id', 'slug'] });
    expect(column('api_tokens', 'account_code')).toMatchObject({ type: 'foreignKey', references: { table: 'accounts', column: 'code' } });
    expect(warnings).toContain('accounts.email: unique index accounts_lower_email on lower(email): generated unique over email for every row');
    expect(warnings).toContain('accounts.handle: unique index accounts_live_handle WHERE deleted_at IS NULL: generated unique over handle for every row');
  });

  it('composite keys: a second one becomes a uniqueKeys entry, a composite foreign key a foreignKeys entry', () => {
    expect(table('memberships')).toMatchObject({
      compositeKey: { columns: ['account_id', 'user_id'], primaryKey: true },
      uniqueKeys: [{ columns: ['nickname', 'joined_on'] }],
      foreignKeys: [{ columns: ['tenant_id', 'slug'], references: { table: 'accounts', columns: ['tenant_id', 'slug'] } }],
    });
  });

  it('a foreign key to a shared primary key takes the root key; chains of one-to-one tables are sized by the root', () => {
    expect(table('profiles')?.perParent).toEqual({ table: 'users', distribution: 'fixed', count: 1 });
    expect(table('profile_settings')?.perParent).toEqual({ table: 'users', distribution: 'fixed', count: 1 });
    expect(column('profile_settings', 'profile_id')).toMatchObject({ references: { table: 'users', column: 'id' } });
    expect(column('posts', 'profile_id')).toMatchObject({ references: { table: 'users', column: 'id' } });
  });

  it('numeric(p,15) keeps its scale, never a 400', () => {
    expect(column('accounts', 'balance')).toMatchObject({ type: 'decimal', precision: 20, scale: 15 });
    expect(column('accounts', 'fee')).toMatchObject({ type: 'decimal', precision: 30, scale: 15 });
    expect(warnings.filter((w) => w.startsWith('accounts.balance') || w.startsWith('accounts.fee'))).toEqual([]);
  });

  it('leaves out generated (STORED and VIRTUAL) and trigger-filled columns, and names the trigger', () => {
    expect(table('documents')?.columns.map((c) => c.name)).toEqual(['id', 'title']);
    expect(warnings).toContain('documents.search: filled by trigger documents_search: omitted');
    expect(warnings).toContain('documents: BEFORE INSERT row trigger documents_search run on every loaded row and may rewrite or reject it');
  });

  it('partitions: not tables of their own; the key inside the bounds; foreign keys declared on partitions applied', () => {
    expect(spec.tables.map((t) => t.name)).not.toContain('events_2024_01');
    expect(column('events', 'occurred_at')).toMatchObject({ from: '2024-01-01T00:00:00Z', to: '2024-02-29T23:59:59Z' });
    expect(column('events', 'user_id')).toMatchObject({ type: 'foreignKey', references: { table: 'users', column: 'id' } });
    expect(column('regional_sales', 'region')).toEqual({ name: 'region', type: 'enum', values: ['eu', 'uk', 'us'] });
  });

  it('CHECK forms become generator options', () => {
    expect(column('comments', 'rating')).toMatchObject({ type: 'enum', values: ['1', '2', '3', '4', '5'] });
    expect(column('comments', 'code')).toMatchObject({ type: 'char', length: 6 });
    expect(table('comments')?.exclusive).toEqual([{ columns: ['post_id', 'document_id'], required: true }]);
    expect(column('comments', 'ends_on')).toMatchObject({ after: { column: 'starts_on', orEqual: true } });
    expect(column('comments', 'closed_at')).toMatchObject({ after: { column: 'opened_at' } });
    expect(column('comments', 'sku')).toMatchObject({ type: 'pattern', pattern: '^[A-Z]{2}-[0-9]{4}$' });
    expect(column('comments', 'body')).toMatchObject({ type: 'text', mode: 'sentence', maxLength: 40 });
    expect(warnings.filter((w) => w.startsWith('comments ') && /not understood|not applied/.test(w))).toEqual([]);
  });

  it('short keys cap the rows; extension-owned tables are skipped; exclusion constraints are warned about', () => {
    expect(table('countries')?.rows).toBe(99);
    expect(warnings).toContain('countries: rows capped at 99 (from 3000): its key code holds no more distinct values');
    expect(spec.tables.map((t) => t.name)).not.toContain('extension_catalog');
    expect(warnings).toContain('extension_catalog: owned by extension plpgsql; skipped (the extension creates and fills it)');
    expect(warnings).toContain('bookings bookings_during_excl: exclusion constraint (EXCLUDE USING gist (during WITH &&)): during always NULL so no two rows conflict');
  });
});
