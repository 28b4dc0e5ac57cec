import type { CatalogEntry } from '@rowflow/contracts';
import { describeField, type FieldError } from '../lib/schema-editor.js';
import { Field } from './field.js';

export type SourceMode = 'table' | 'custom';

export interface SchemaPanelProps {
  mode: SourceMode;
  onMode(mode: SourceMode): void;
  tables: CatalogEntry[] | null;
  catalogError: string | null;
  table: string;
  onTable(name: string): void;
  text: string;
  onText(text: string): void;
  /** Client-side and server-side errors about the custom schema, in one list. */
  errors: FieldError[];
  parsed: unknown;
  onStartFromTable(): void;
}

/** Section 1a: what to generate — a catalog table (columns shown) or a custom JSON schema. */
export function SchemaPanel(p: SchemaPanelProps) {
  return (
    <section className="card" aria-labelledby="schema-h">
      <h2 id="schema-h">1 · Schema</h2>
      <div className="tabs" role="radiogroup" aria-label="Source">
        <label className={p.mode === 'table' ? 'tab on' : 'tab'}>
          <input type="radio" name="source" checked={p.mode === 'table'} onChange={() => p.onMode('table')} /> Catalog table
        </label>
        <label className={p.mode === 'custom' ? 'tab on' : 'tab'}>
          <input type="radio" name="source" checked={p.mode === 'custom'} onChange={() => p.onMode('custom')} /> Custom schema
        </label>
      </div>
      {p.mode === 'table' ? <CatalogPicker {...p} /> : <SchemaEditor {...p} />}
    </section>
  );
}

function CatalogPicker({ tables, catalogError, table, onTable, onStartFromTable }: SchemaPanelProps) {
  if (catalogError) {
    return (
      <div>
        <p className="warn" role="status">
          The orchestrator did not list the catalog tables ({catalogError}). Type a catalog table name (e.g. <code>users</code>) or switch to a custom schema.
        </p>
        <Field label="Table">{(id) => <input id={id} value={table} onChange={(e) => onTable(e.target.value.trim())} placeholder="users" />}</Field>
      </div>
    );
  }
  if (!tables) return <p className="muted">Loading the catalog…</p>;
  const entry = tables.find((t) => t.name === table);
  return (
    <div>
      <Field label="Table">
        {(id) => (
          <select id={id} value={table} onChange={(e) => onTable(e.target.value)}>
            {tables.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {entry && (
        <>
          <p className="muted">{entry.description}</p>
          <table className="columns" aria-label="Columns">
            <thead>
              <tr>
                <th>Column</th>
                <th>Type</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {entry.columns.map((c) => (
                <tr key={c.name}>
                  <td>{c.name}</td>
                  <td>
                    <code>{c.type}</code>
                  </td>
                  <td className="muted">{columnDetails(c)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" className="link" onClick={onStartFromTable}>
            Edit as custom schema →
          </button>
        </>
      )}
    </div>
  );
}

function columnDetails(c: CatalogEntry['columns'][number]): string {
  const bits: string[] = [];
  if (c.primaryKey) bits.push('primary key');
  else if (c.unique) bits.push('unique');
  if (c.nullRatio) bits.push(`${Math.round(c.nullRatio * 100)}% null`);
  if (c.min !== undefined || c.max !== undefined) bits.push(`${c.min ?? ''}…${c.max ?? ''}`);
  if (c.values) bits.push(c.values.join(' | '));
  if (c.references) bits.push(`→ ${c.references.table}`);
  return bits.join(', ');
}

function SchemaEditor({ text, onText, errors, parsed }: SchemaPanelProps) {
  const invalid = errors.length > 0;
  return (
    <div>
      <Field label="Schema JSON">
        {(id) => (
        <textarea
          id={id}
          className={invalid ? 'editor bad' : 'editor'}
          value={text}
          onChange={(e) => onText(e.target.value)}
          spellCheck={false}
          rows={14}
          aria-invalid={invalid}
          aria-describedby="schema-errors"
        />
        )}
      </Field>
      {invalid ? (
        <ul id="schema-errors" className="errors" data-testid="schema-errors" role="alert">
          {errors.map((e) => (
            <li key={`${e.field}:${e.message}`}>
              <code>{describeField(e.field, parsed)}</code> {e.message}
            </li>
          ))}
        </ul>
      ) : (
        <p id="schema-errors" className="ok" role="status">
          Schema looks valid.
        </p>
      )}
    </div>
  );
}
