import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, rejectUnknownKeys, ValidationError } from '@rowflow/contracts';
import { readTableStats } from '@rowflow/export';
import { applyProfile, catalogToDataset, type CopyValues, type IntrospectResult, isIdentifier, MAX_DATASET_TABLES, type ProfileReport } from '@rowflow/schema';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';
import { Database } from '../database/database.module.js';
import { PgCatalogReader } from './pg-catalog-reader.js';

/** Keys of `POST /api/introspect`. */
export const INTROSPECT_KEYS = ['schema', 'tables', 'rows', 'profile', 'scale', 'copyValues'] as const;
/** Largest `scale`: a profile times this many rows (beyond, the dataset's row limits apply anyway). */
const MAX_SCALE = 1_000_000;
const DEFAULT_ROWS = 1000;
/** Schemas one request may read (an application spread over a handful of schemas, not a cluster). */
const MAX_SCHEMAS = 64;

export interface IntrospectRequest {
  /** Schemas to read; the first is the dataset's default (its tables carry no `schema`). */
  schemas: string[];
  tables?: string[];
  rows: number;
  /** "stats": shape the spec like the source from its planner statistics (pg_stats). */
  profile?: 'stats';
  scale?: number;
  copyValues?: CopyValues;
}

/** The introspection answer; with a profile, what the statistics gave per column. */
export interface IntrospectResponse extends IntrospectResult {
  profile?: ProfileReport;
}

/** Validates the request body (nothing is read before it passes). */
export function parseIntrospectRequest(input: unknown, defaultSchema = 'public'): IntrospectRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ValidationError('body', 'must be a JSON object');
  const body = input as Record<string, unknown>;
  rejectUnknownKeys(body, INTROSPECT_KEYS);
  const out: IntrospectRequest = { schemas: parseSchemas(body.schema ?? defaultSchema), rows: DEFAULT_ROWS };
  if (body.tables !== undefined) {
    if (!Array.isArray(body.tables) || body.tables.length === 0 || body.tables.length > MAX_DATASET_TABLES) {
      throw new ValidationError('tables', `must be a non-empty array of at most ${MAX_DATASET_TABLES} table names`);
    }
    body.tables.forEach((t: unknown, i: number) => {
      if (!isIdentifier(t)) throw new ValidationError(`tables[${i}]`, 'must be a table name');
    });
    out.tables = body.tables as string[];
  }
  if (body.rows !== undefined) {
    if (typeof body.rows !== 'number' || !Number.isSafeInteger(body.rows) || body.rows < 1) throw new ValidationError('rows', 'must be a positive integer (rows per table)');
    out.rows = body.rows;
  }
  parseProfileOptions(body, out);
  return out;
}

/** `schema`: one name or a non-empty list of distinct names. */
function parseSchemas(input: unknown): string[] {
  if (!Array.isArray(input)) {
    if (!isIdentifier(input)) throw new ValidationError('schema', 'must be a schema name (1..63 bytes, no NUL) or a list of them');
    return [input];
  }
  if (input.length === 0 || input.length > MAX_SCHEMAS) throw new ValidationError('schema', `must be a schema name or a non-empty list of at most ${MAX_SCHEMAS}`);
  input.forEach((s: unknown, i) => {
    if (!isIdentifier(s)) throw new ValidationError(`schema[${i}]`, 'must be a schema name (1..63 bytes, no NUL)');
    if (input.indexOf(s) !== i) throw new ValidationError(`schema[${i}]`, `"${s}" is listed twice`);
  });
  return input as string[];
}

function parseProfileOptions(body: Record<string, unknown>, out: IntrospectRequest): void {
  if (body.profile !== undefined) {
    if (body.profile !== 'stats') throw new ValidationError('profile', 'must be "stats" (the only profile source: PostgreSQL\'s planner statistics)');
    out.profile = 'stats';
  }
  for (const key of ['scale', 'copyValues'] as const) {
    if (body[key] !== undefined && out.profile === undefined) throw new ValidationError(key, 'only with "profile": "stats"');
  }
  if (body.scale !== undefined) {
    if (typeof body.scale !== 'number' || !Number.isFinite(body.scale) || body.scale <= 0 || body.scale > MAX_SCALE) throw new ValidationError('scale', `must be a number in (0, ${MAX_SCALE}] (row counts are the source's times this)`);
    out.scale = body.scale;
  }
  if (body.copyValues !== undefined) {
    if (body.copyValues !== 'categorical' && body.copyValues !== 'none') throw new ValidationError('copyValues', 'must be "categorical" or "none"');
    out.copyValues = body.copyValues;
  }
}

/** Reads a schema of the configured database and maps it to a dataset spec plus warnings. */
@Injectable()
export class IntrospectService {
  private readonly reader: PgCatalogReader;

  constructor(
    private readonly db: Database,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
  ) {
    this.reader = new PgCatalogReader(db.pool);
  }

  /** The schema read when the request names none: the configured write scope. */
  get defaultSchema(): string {
    return this.config.TARGET_SCHEMA;
  }

  async introspect(req: IntrospectRequest): Promise<IntrospectResponse> {
    const where = req.schemas.map((s) => `"${s}"`).join(', ');
    const { tables, missing, extensionOwned } = await this.reader.read(req.schemas, req.tables);
    if (missing.length) throw new ValidationError('tables', `not found in schema ${where}: ${missing.join(', ')}`);
    // Skipped as pg_dump skips them: the extension creates and fills these itself.
    const skipped = extensionOwned.map((t) => `${t.name}: owned by extension ${t.extension}; skipped (the extension creates and fills it)`);
    if (tables.length === 0) {
      if (skipped.length) throw new ValidationError('tables', `only extension-owned tables in schema ${where}: ${extensionOwned.map((t) => t.name).join(', ')}`);
      throw new NotFoundError(`schema ${where} has no tables (or this role cannot see them)`);
    }
    const first = req.schemas[0] as string;
    const mapped = catalogToDataset(tables, { name: first, rows: req.rows });
    const warnings = [...skipped, ...mapped.warnings];
    if (req.profile !== 'stats') return { dataset: mapped.dataset, warnings };
    // Each table's statistics from its own schema (a table without `schema` lives in the first).
    const bySchema = new Map<string, string[]>();
    for (const t of mapped.dataset.tables) bySchema.set(t.schema ?? first, [...(bySchema.get(t.schema ?? first) ?? []), t.name]);
    const stats = (await Promise.all([...bySchema].map(([schema, names]) => readTableStats(this.db.pool, schema, names)))).flat();
    const shaped = applyProfile(mapped.dataset, stats, { scale: req.scale, copyValues: req.copyValues });
    return { dataset: shaped.dataset, warnings: [...warnings, ...shaped.warnings], profile: shaped.profile };
  }
}
