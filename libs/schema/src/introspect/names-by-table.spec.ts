import { describe, expect, it } from 'vitest';
import type { CatalogColumn } from './catalog-model.js';
import { catalogToDataset } from './introspect-dataset.js';
import { guessText } from './name-heuristics.js';

describe('name and title columns by table', () => {
  it.each<[string, string, object]>([
    ['customer', 'name', { type: 'fullName' }],
    ['employees', 'title', { type: 'jobTitle' }],
    ['products', 'name', { type: 'text', mode: 'productName' }],
    ['track', 'name', { type: 'text', mode: 'words' }],
    ['genre', 'name', { type: 'text', mode: 'word' }],
    ['media_type', 'name', { type: 'text', mode: 'word' }],
    ['artist', 'name', { type: 'text', mode: 'words' }],
    ['projects', 'name', { type: 'text', mode: 'words' }],
    ['suppliers', 'name', { type: 'company' }],
    // A table the rules do not know keeps the name-only guess.
    ['widget_log', 'name', { type: 'fullName' }],
    ['album', 'title', { type: 'text', mode: 'words' }],
  ])('%s.%s', (table, column, spec) => {
    expect(guessText(column, Infinity, table).spec).toEqual(spec);
  });

  it('introspection passes the table: a genre is no person', () => {
    const col = (name: string): CatalogColumn => ({ name, formatted: 'character varying(120)', typeName: 'varchar', notNull: true });
    const { dataset } = catalogToDataset(
      [
        { name: 'genre', columns: [col('name')], constraints: [] },
        { name: 'customer', columns: [col('name')], constraints: [] },
      ],
      { name: 'public', rows: 10 },
    );
    expect(dataset.tables.map((t) => t.columns[0]?.type)).toEqual(['text', 'fullName']);
  });
});
