import type { DatasetSpec, TableSpec } from '@rowflow/contracts';
import { createDatasetRowStream, type DatasetRowStreamOptions } from './dataset/dataset-stream.js';
import { createRowStream, type RowStreamOptions } from './row-stream.js';

/** Whole stream as a string (tests only). */
export async function collect(opts: Partial<RowStreamOptions> & { spec: TableSpec; rows: number }): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of createRowStream({ seed: 42, format: 'csv', ...opts })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parsed NDJSON rows (tests only). */
export async function ndjsonRows(opts: Partial<RowStreamOptions> & { spec: TableSpec; rows: number }): Promise<Record<string, unknown>[]> {
  const text = await collect({ ...opts, format: 'ndjson' });
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Minimal RFC 4180 parser: returns rows of fields, `null` for an empty unquoted field (COPY's NULL). */
export function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let field: string | null;
    if (text[i] === '"') {
      let j = i + 1;
      field = '';
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new Error('unterminated quote');
        field += text.slice(j, q);
        if (text[q + 1] === '"') {
          field += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\n') j++;
      if (text.slice(i, j).includes('"')) throw new Error(`bare quote in unquoted field at ${i}`);
      field = j === i ? null : text.slice(i, j);
      i = j;
    }
    row.push(field);
    if (text[i] === ',') i++;
    else if (text[i] === '\n' || i >= text.length) {
      rows.push(row);
      row = [];
      i++;
    } else throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  return rows;
}

/** A dataset table's whole stream as a string, CSV unless `format` says otherwise (tests only). */
export async function collectDataset(opts: Omit<DatasetRowStreamOptions, 'format'> & { format?: 'csv' | 'ndjson' }): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of createDatasetRowStream({ format: 'csv', ...opts })) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Rows of a dataset table as objects keyed by column (CSV, NULL = null; tests only). */
export async function datasetRows(dataset: DatasetSpec, name: string, seed: number): Promise<Record<string, string | null>[]> {
  const [header, ...rows] = parseCsv(await collectDataset({ dataset, table: name, seed }));
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h as string, r[i] ?? null])));
}
