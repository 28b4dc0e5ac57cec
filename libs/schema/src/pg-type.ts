import type { ColumnSpec } from '@rowflow/contracts';
import { DEFAULT_ARRAY_ELEMENT, DEFAULT_CHAR_LENGTH, DEFAULT_RANGE_SUBTYPE, DEFAULT_SRID, DEFAULT_VECTOR_DIMENSIONS, decimalBounds } from './column-types.js';

/** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

// TextEncoder, not Buffer: this module also runs in the browser (the web page validates with it).
const utf8 = new TextEncoder();

/** A name usable as a quoted PostgreSQL identifier: 1..63 bytes of UTF-8, no NUL. */
export function isIdentifier(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !name.includes('\u0000') &&
    utf8.encode(name).length <= MAX_IDENTIFIER_BYTES
  );
}

/** Double-quotes an identifier for SQL (`a"b` → `"a""b"`). Always quote: user names are data. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface PgTypeOptions {
  /** The target database has the pgvector extension (`SELECT 1 FROM pg_extension WHERE extname = 'vector'`). */
  vector?: boolean;
}

/**
 * The PostgreSQL column type that every generated value of `column` loads into (DB-insert jobs
 * use it in create mode). Foreign keys take the parent key's type; `parentKeyType` resolves it
 * (the catalog's resolver is used by default, see `catalogKeyType`).
 */
export function pgType(column: ColumnSpec, parentKeyType: (c: ColumnSpec) => string = () => 'bigint', opts: PgTypeOptions = {}): string {
  switch (column.type) {
    case 'serial':
    case 'bigint':
      return 'bigint';
    case 'int':
      return 'integer';
    case 'decimal': {
      const { precision, scale } = decimalBounds(column);
      return `numeric(${precision},${scale})`;
    }
    case 'boolean':
      return 'boolean';
    case 'uuid':
      return 'uuid';
    case 'date':
      return 'date';
    case 'timestamp':
      return 'timestamp';
    case 'timestamptz':
      return 'timestamptz';
    case 'json':
      return 'jsonb';
    case 'ip':
      return 'inet';
    case 'char':
      return `char(${column.length ?? DEFAULT_CHAR_LENGTH})`;
    case 'foreignKey':
      return parentKeyType(column);
    case 'vector':
      // Without pgvector, text holds the `[..]` literal (castable later).
      return opts.vector ? `vector(${column.dimensions ?? DEFAULT_VECTOR_DIMENSIONS})` : 'text';
    case 'bytes':
      return 'bytea';
    case 'time':
      return column.timezone ? 'timetz' : 'time';
    case 'interval':
      return 'interval';
    case 'macaddr':
      return column.bytes === 8 ? 'macaddr8' : 'macaddr';
    case 'cidr':
      return 'cidr';
    case 'money':
      return 'money';
    case 'array':
      return arrayPgType(column, parentKeyType, opts);
    case 'range':
      return column.subtype ?? DEFAULT_RANGE_SUBTYPE;
    case 'hstore':
      return 'hstore';
    case 'geometry':
      return `${column.geography ? 'geography' : 'geometry'}(${column.geometryType ?? 'Point'},${column.srid ?? DEFAULT_SRID})`;
    case 'pattern':
    case 'text':
    case 'enum':
    case 'firstName':
    case 'lastName':
    case 'fullName':
    case 'email':
    case 'username':
    case 'phone':
    case 'streetAddress':
    case 'city':
    case 'country':
    case 'company':
    case 'jobTitle':
    case 'url':
      return 'text';
  }
}

/** `element[]` once per dimension (PostgreSQL ignores the count, but it documents the shape). */
function arrayPgType(column: ColumnSpec, parentKeyType: (c: ColumnSpec) => string, opts: PgTypeOptions): string {
  const element = pgType({ name: column.name, ...(column.element ?? DEFAULT_ARRAY_ELEMENT) }, parentKeyType, opts);
  return element + '[]'.repeat(column.dimensions ?? 1);
}
