/**
 * JSON shape of a table schema as users write it (POST bodies, the web page's editor, the
 * catalog). Validation and semantics live in @rowflow/schema; this file is only the wire shape.
 */
export type ColumnType =
  | 'serial'
  | 'int'
  | 'bigint'
  | 'decimal'
  | 'boolean'
  | 'uuid'
  | 'text'
  | 'enum'
  | 'date'
  | 'timestamp'
  | 'timestamptz'
  | 'firstName'
  | 'lastName'
  | 'fullName'
  | 'email'
  | 'username'
  | 'phone'
  | 'streetAddress'
  | 'city'
  | 'country'
  | 'company'
  | 'jobTitle'
  | 'url'
  | 'ip'
  | 'json'
  | 'vector'
  | 'char'
  | 'foreignKey'
  | 'bytes'
  | 'time'
  | 'interval'
  | 'macaddr'
  | 'cidr'
  | 'money'
  | 'array'
  | 'range'
  | 'hstore'
  | 'geometry'
  | 'pattern';

/** PostgreSQL range types a `range` column generates. */
export type RangeSubtype = 'int4range' | 'int8range' | 'numrange' | 'daterange' | 'tsrange' | 'tstzrange';

/** PostGIS shapes a `geometry` column generates (always valid: closed, non-self-intersecting rings). */
export type GeometryType = 'Point' | 'LineString' | 'Polygon' | 'MultiPoint' | 'MultiLineString' | 'MultiPolygon';

/** An array column's element: a column spec without a name (any type but array, serial and foreignKey). */
export type ArrayElementSpec = Omit<ColumnSpec, 'name'>;

/** Column option `after`: this value = the named (earlier) column's value in the same row + an offset > 0 (>= 0 with orEqual). */
export interface AfterSpec {
  column: string;
  orEqual?: boolean;
}

export type Distribution = 'uniform' | 'normal' | 'zipf';

/**
 * A column's value distribution as PostgreSQL's statistics described it (`pg_stats`): weighted
 * literal values (its most common values), equi-depth histogram bounds, and the distinct count it
 * saw. Generation draws from `values` with `weights` (their sum is the share of non-NULL rows they
 * cover), then from the histogram (a bucket at random, a value uniform inside it), then from the
 * column's own generator.
 */
export interface ColumnProfileSpec {
  /** Most common values; on a foreign key, the most common parents' keys. */
  values?: string[];
  weights?: number[];
  /** Ascending bounds (numbers, or ISO dates/timestamps): each bucket holds the same share of rows. */
  histogram?: string[];
  /** The histogram draws its bounds themselves (a column with few distinct values), not values between them. */
  discrete?: boolean;
  /**
   * Distinct non-NULL values in the source, PostgreSQL's way (`n_distinct`): a count when ≥ 0 (a
   * fixed set, the same at any scale), minus distinct values per row when < 0 (grows with the
   * rows). The fidelity report compares it; generation does not use it.
   */
  distinct?: number;
  /**
   * Physical order (`pg_stats.correlation`, -1..1): near 1 the rows come in ascending value order
   * (children stored parent by parent, dates as inserted), near -1 descending, near 0 random.
   * Only numbers, dates and foreign keys are placed by it.
   */
  correlation?: number;
  /**
   * Free text (`text` in words/sentence/paragraph mode): ascending equi-depth quantiles of the
   * non-NULL values' lengths in characters, taken from the lengths of the source's histogram
   * bounds — a shape, no literal. Each value is cut or extended to a length drawn from them.
   */
  lengths?: number[];
  /** The source's average stored width in bytes (`avg_width`); the fidelity report compares it. */
  width?: number;
}

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** Distribution taken from database statistics (see ColumnProfileSpec). */
  profile?: ColumnProfileSpec;
  /** Fraction of rows that are NULL, 0..1. Not allowed on primary/unique columns. */
  nullRatio?: number;
  unique?: boolean;
  primaryKey?: boolean;
  /**
   * int/bigint/decimal/money ranges; vector element range; interval bounds in seconds; range
   * bounds (numbers; daterange/tsrange/tstzrange take ISO dates, stored as `from`/`to`).
   */
  min?: number;
  max?: number;
  precision?: number;
  scale?: number;
  distribution?: Distribution;
  /** enum values, with optional weights (same length). */
  values?: string[];
  weights?: number[];
  /** text: 'word' | 'words' | 'sentence' | 'paragraph' | 'productName' | 'postalCode' | 'state'. */
  mode?: string;
  /** date/timestamp range as ISO strings; time of day "HH:MM:SS" for time columns. */
  from?: string;
  to?: string;
  /** vector dimension / char length / array dimensions (default 1). */
  dimensions?: number;
  length?: number;
  /**
   * foreignKey. Standalone table: the parent's row count (values 1..rows, default 100,000).
   * Inside a dataset: `{table, column}` of the same dataset (no `rows`); values are real keys of
   * that table's rows (`column` defaults to its primary key). `via`: the table the database's
   * constraint really points at when the values come from further down a chain of shared keys
   * (the constraint names `employee`, whose key is `person`'s): that table is loaded first.
   */
  references?: { table: string; column?: string; rows?: number; schema?: string; via?: string };
  /** timestamp/timestamptz mode 'sequence': mean milliseconds between consecutive rows. */
  stepMs?: number;
  /** int mode 'block': value = min + floor(rowIndex / blockSize) (pgbench's bid). */
  blockSize?: number;
  /** Column whose value this one is derived from (email/username from a name column). */
  from_column?: string;
  /** timestamp/timestamptz mode 'eventTime': events per second of event time. */
  ratePerSec?: number;
  /** mode 'eventTime': ISO instant of row 0's base time. */
  start?: string;
  /** mode 'eventTime': bound of the ordinary disorder (an event is at most this much older than its base time). */
  maxOutOfOrderMs?: number;
  /** mode 'eventTime': fraction of events that arrive late (older than maxOutOfOrderMs). */
  lateRatio?: number;
  /** mode 'eventTime': largest lateness of a late event. */
  lateMaxMs?: number;
  /** bytes: length in bytes (default 4..32); array: elements per dimension (default 0..4); text and the realistic text types: `maxLength` characters at most (longer values are shortened). */
  minLength?: number;
  maxLength?: number;
  /** time: with time zone (PostgreSQL `timetz`). */
  timezone?: boolean;
  /** macaddr: 6 (`macaddr`, default) or 8 (`macaddr8`) bytes. */
  bytes?: 6 | 8;
  /** cidr: network prefix length 8..32 (default: drawn per row from 8, 16, 24). */
  prefix?: number;
  /** array: the element's type and options. */
  element?: ArrayElementSpec;
  /** range: the PostgreSQL range type. */
  subtype?: RangeSubtype;
  /** geometry: shape (default Point), SRID (default 4326), geography instead of geometry. */
  geometryType?: GeometryType;
  srid?: number;
  geography?: boolean;
  /** pattern: an anchored regular expression (`^…$`) of the supported subset. */
  pattern?: string;
  /** Value is the named earlier column's value (same row) plus a positive offset. */
  after?: AfterSpec;
  /**
   * phone, streetAddress, city, text `postalCode`/`state`: follow the country the named column of the same
   * row holds (a name or an ISO code) instead of the row's own location.
   */
  countryColumn?: string;
}

/** Table option `changeStream`: rows become insert/update/delete events over a key space. */
export interface ChangeStreamSpec {
  /** Size of the key space (keys are the primary-key column's first `keys` values). */
  keys: number;
  /** Relative weight of updates among events on a key that exists. */
  updateRatio?: number;
  /** Relative weight of deletes among events on a key that exists. */
  deleteRatio?: number;
}

export interface TableSpec {
  name: string;
  description?: string;
  columns: ColumnSpec[];
  /** Fraction of rows (0..0.5) that re-emit an earlier row's id and values (a duplicate event). */
  duplicateRatio?: number;
  /** Emit change events (op, before/after images) instead of plain rows. */
  changeStream?: ChangeStreamSpec;
  /**
   * Appending to a table that already has rows: key columns (serial, sequences, unique/primary
   * int/bigint/uuid/email/username, composite keys) generate the values of rows keyOffset,
   * keyOffset + 1, … so they continue after, and never repeat, the first keyOffset rows' keys.
   * Other columns are unchanged. Default 0.
   */
  keyOffset?: number;
  /** Groups of nullable columns of which at most one (exactly one when `required`) is non-NULL per row. */
  exclusive?: ExclusiveSpec[];
}

/** Table option `exclusive`: `num_nonnulls(a, b, c) <= 1` (`= 1` when required). */
export interface ExclusiveSpec {
  columns: string[];
  required?: boolean;
}

/** Entry of `GET /api/generator/tables`. */
export interface CatalogEntry extends TableSpec {
  description: string;
}
