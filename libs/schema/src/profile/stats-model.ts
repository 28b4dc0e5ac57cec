/**
 * What PostgreSQL's planner statistics say about a table (`pg_class.reltuples`) and its columns
 * (`pg_stats`), as plain data: the reader (SQL, in the orchestrator and the CLI) fills it, the
 * profile mapping turns it into generation settings and the fidelity report compares two of them.
 * No row of the table is ever read to fill it.
 */
export interface ColumnStats {
  name: string;
  /** Share of NULLs, 0..1. */
  nullFrac: number;
  /** pg_stats' n_distinct: a count when ≥ 0, minus the share of distinct rows when < 0. */
  nDistinct: number;
  /** Most common values as text, with their shares of all rows. */
  mostCommonValues?: string[];
  mostCommonFreqs?: number[];
  /** Equi-depth histogram bounds as text (the most common values excluded). */
  histogram?: string[];
  /** Correlation between physical order and value order, -1..1. */
  correlation?: number;
  /** Average width in bytes of non-NULL values. */
  avgWidth: number;
}

export interface TableStats {
  name: string;
  /** Estimated rows; negative when the table was never analysed or vacuumed. */
  reltuples: number;
  /** False when pg_stats has no row for any column (never analysed). */
  analyzed: boolean;
  columns: ColumnStats[];
}

/** Distinct non-NULL values a column has, as a count (resolving pg_stats' negative form). */
export function distinctCount(col: ColumnStats, rows: number): number {
  return col.nDistinct >= 0 ? col.nDistinct : Math.round(-col.nDistinct * Math.max(rows, 0));
}
