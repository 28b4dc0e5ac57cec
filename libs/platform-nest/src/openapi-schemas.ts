import type { SchemaObject } from '@nestjs/swagger';

/** Small builders for the response schemas the apps document by hand (JSON Schema, OpenAPI 3.0). */
export const oa = {
  int: (description?: string): SchemaObject => ({ type: 'integer', ...(description ? { description } : {}) }),
  num: (description?: string): SchemaObject => ({ type: 'number', ...(description ? { description } : {}) }),
  str: (description?: string, extra: SchemaObject = {}): SchemaObject => ({ type: 'string', ...(description ? { description } : {}), ...extra }),
  bool: (description?: string): SchemaObject => ({ type: 'boolean', ...(description ? { description } : {}) }),
  nullable: (s: SchemaObject): SchemaObject => ({ ...s, nullable: true }),
  array: (items: SchemaObject, description?: string): SchemaObject => ({ type: 'array', items, ...(description ? { description } : {}) }),
  /** An object; every property listed is required unless named in `optional`. */
  obj: (properties: Record<string, SchemaObject>, optional: string[] = [], description?: string): SchemaObject => ({
    type: 'object',
    properties,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    ...(description ? { description } : {}),
  }),
};

/** `memory` of GET /health (both apps). */
export const MEMORY_SCHEMA = oa.obj({ rssMb: oa.num(), heapUsedMb: oa.num(), heapTotalMb: oa.num(), budgetMb: oa.num('0 = no budget'), overBudget: oa.bool() });

/** Entries of GET /api/generator/tables and /api/orchestrator/tables. */
export const CATALOG_SCHEMA = oa.array(
  oa.obj({
    name: oa.str(),
    description: oa.str(),
    columns: oa.array({ type: 'object', description: 'A column spec {name, type, …options of that type}, as in a custom schema', properties: { name: oa.str(), type: oa.str() }, required: ['name', 'type'] }),
  }),
);

/** The Prometheus text exposition of GET /metrics. */
export const METRICS_CONTENT = { 'text/plain': { schema: oa.str('Prometheus text format 0.0.4') } };
