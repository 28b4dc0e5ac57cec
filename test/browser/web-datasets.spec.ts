/**
 * The dataset view in real Chromium against the real stack: a catalog dataset's tables and
 * foreign keys, and "Import from database" introspecting tables created in the test database.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useWebStack } from './page-helpers.js';

const { openPage, screenshot, databaseUrl, stack } = useWebStack();

describe('dataset view in Chromium', () => {
  it('shows a catalog dataset and imports the database schema with its foreign keys', async () => {
    const client = new pg.Client(databaseUrl());
    await client.connect();
    try {
      await client.query(`CREATE TABLE public.authors (id serial PRIMARY KEY, email text UNIQUE NOT NULL, name text);
        CREATE TABLE public.books (id serial PRIMARY KEY, author_id integer REFERENCES public.authors (id), title varchar(200) NOT NULL, price numeric(6, 2) CHECK (price > 0))`);
    } finally {
      await client.end();
    }
    const page = await openPage();
    const panel = page.getByTestId('dataset-panel');
    await expect.poll(() => panel.getByTestId('dataset-fks').innerText()).toContain('orders.user_id → users.id');
    expect(await panel.getByTestId('dataset-tables').innerText()).toContain('Poisson, mean 3 per users row');

    await panel.getByRole('button', { name: 'Import from database' }).click();
    await expect.poll(() => panel.getByLabel('Dataset', { exact: true }).inputValue(), { timeout: 20_000 }).toBe('');
    const tables = await panel.getByTestId('dataset-tables').innerText();
    expect(tables).toContain('authors');
    expect(tables).toContain('books');
    expect(await panel.getByTestId('dataset-fks').innerText()).toContain('books.author_id → authors.id (nullable)');
    await screenshot(page, 'dataset-import', ['dataset-tables', 'dataset-fks']);

    // The imported tables exist, so loading them as they are named is refused (409); with a
    // target prefix the job creates copies next to them.
    await panel.getByRole('button', { name: 'Load dataset' }).click();
    await expect.poll(() => panel.getByTestId('dataset-status').innerText(), { timeout: 20_000 }).toContain('already exists');
    await panel.getByLabel('Target prefix').fill('copy_');
    await panel.getByRole('button', { name: 'Load dataset' }).click();
    await expect.poll(() => panel.getByTestId('dataset-status').innerText(), { timeout: 20_000 }).toMatch(/Dataset job [0-9a-f-]{36} started/);
    const id = /Dataset job ([0-9a-f-]{36})/.exec(await panel.getByTestId('dataset-status').innerText())![1]!;
    const state = async () => ((await (await fetch(`${stack().url}/api/jobs/${id}`)).json()) as { state: string }).state;
    await expect.poll(state, { timeout: 120_000 }).toBe('completed');
    // The jobs list names the dataset and all its targets, not only the first table.
    await expect.poll(() => page.getByTestId(`job-row-${id}`).innerText(), { timeout: 30_000 }).toMatch(/dataset public → copy_\w+, copy_\w+/);
    const check = new pg.Client(databaseUrl());
    await check.connect();
    try {
      const res = await check.query(`SELECT (SELECT count(*) FROM public.copy_authors)::int AS authors, (SELECT count(*) FROM public.copy_books)::int AS books`);
      expect(res.rows[0].authors).toBeGreaterThan(0);
      expect(res.rows[0].books).toBeGreaterThan(0);
    } finally {
      await check.end();
    }
  });
});
