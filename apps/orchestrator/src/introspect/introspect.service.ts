import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, rejectUnknownKeys, ValidationError } from '@rowflow/contracts';
import { catalogToDataset, type IntrospectResult, isIdentifier } from '@rowflow/schema';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';
import { Database } from '../database/database.module.js';
import { PgCatalogReader } from './pg-catalog-reader.js';

/** Keys of `POST /api/introspect`. */
export const INTROSPECT_KEYS = ['schema', 'tables', 'rows'] as const;
const DEFAULT_ROWS = 1000;
const MAX_TABLES = 500;

export interface IntrospectRequest {
  schema: string;
  tables?: string[];
  rows: number;
}

/** Validates the request body (nothing is read before it passes). */
export function parseIntrospectRequest(input: unknown, defaultSchema = 'public'): IntrospectRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ValidationError('body', 'must be a JSON object');
  const body = input as Record<string, unknown>;
  rejectUnknownKeys(body, INTROSPECT_KEYS);
  const schema = body.schema ?? defaultSchema;
  if (!isIdentifier(schema)) throw new ValidationError('schema', 'must be a schema name (1..63 bytes, no NUL)');
  const out: IntrospectRequest = { schema, rows: DEFAULT_ROWS };
  if (body.tables !== undefined) {
    if (!Array.isArray(body.tables) || body.tables.length === 0 || body.tables.length > MAX_TABLES) {
      throw new ValidationError('tables', `must be a non-empty array of at most ${MAX_TABLES} table names`);
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
  return out;
}

/** Reads a schema of the configured database and maps it to a dataset spec plus warnings. */
@Injectable()
export class IntrospectService {
  private readonly reader: PgCatalogReader;

  constructor(
    db: Database,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
  ) {
    this.reader = new PgCatalogReader(db.pool);
  }

  /** The schema read when the request names none: the configured write scope. */
  get defaultSchema(): string {
    return this.config.TARGET_SCHEMA;
  }

  async introspect(req: IntrospectRequest): Promise<IntrospectResult> {
    const { tables, missing } = await this.reader.read(req.schema, req.tables);
    if (missing.length) throw new ValidationError('tables', `not found in schema "${req.schema}": ${missing.join(', ')}`);
    if (tables.length === 0) throw new NotFoundError(`schema "${req.schema}" has no tables (or this role cannot see them)`);
    return catalogToDataset(tables, { name: req.schema, rows: req.rows });
  }
}
