import { oa } from '@rowflow/platform-nest';

/** OpenAPI shapes of a job's manifest and verify answers (built in @rowflow/export). */
const RANGE_HASH = oa.obj({ fromRow: oa.int(), toRow: oa.int('Exclusive'), bytes: oa.int(), sha256: oa.str() });

export const JOB_MANIFEST_SCHEMA = oa.obj(
  {
    kind: oa.str(undefined, { enum: ['job'] }),
    version: oa.int('2 (version 1, stored before dataset jobs were covered, has no `tables`)'),
    jobId: oa.str(undefined, { format: 'uuid' }),
    dataset: oa.nullable(oa.str('Dataset name of a dataset job')),
    seed: oa.int(),
    rowsTotal: oa.int(),
    table: oa.str('First (or only) table'),
    targetTable: oa.str(),
    specHash: oa.str('sha256 of the canonical spec JSON (a dataset job: the whole dataset)'),
    tables: oa.array(oa.obj({ index: oa.int(), table: oa.str(), targetSchema: oa.str(), targetTable: oa.str(), specHash: oa.str(), rowsTotal: oa.int(), ranges: oa.array(RANGE_HASH) })),
    ranges: oa.array(RANGE_HASH, 'Single-table jobs only: tables[0].ranges'),
    createdAt: oa.str(undefined, { format: 'date-time' }),
  },
  ['dataset', 'tables', 'ranges'],
);

const RANGE_CHECK = oa.obj(
  {
    table: oa.str(),
    fromRow: oa.int(),
    toRow: oa.int(),
    ok: oa.bool(),
    expectedRows: oa.int(),
    actualRows: oa.int(),
    expectedMd5: oa.nullable(oa.str()),
    actualMd5: oa.nullable(oa.str()),
    generatorMatchesManifest: oa.nullable(oa.bool('Whether today\'s generator still makes the manifest\'s bytes (null: no manifest yet)')),
  },
  ['expectedMd5', 'actualMd5', 'generatorMatchesManifest'],
);
const MISMATCH = { type: 'object', description: 'The first difference: a range that differs, or rows no range generated; names its table' } as const;

export const JOB_VERIFY_SCHEMA = oa.obj(
  {
    ok: oa.bool('Every table matches'),
    jobId: oa.str(undefined, { format: 'uuid' }),
    dataset: oa.nullable(oa.str()),
    targetTable: oa.str(),
    rowsChecked: oa.int(),
    tables: oa.array(
      oa.obj(
        {
          table: oa.str(),
          targetSchema: oa.str(),
          targetTable: oa.str(),
          ok: oa.bool(),
          method: oa.str('ranges: per row range, matched on the key; checksum: a table without a key, by row count + an order-independent checksum over all columns', { enum: ['ranges', 'checksum'] }),
          rows: oa.int('Rows found as generated'),
          deadLettered: oa.int("Generated rows PostgreSQL rejected during the load (the job's dead letters of this table): not expected in the table"),
          rowsExpected: oa.int('Rows generated for the table'),
          rowsChecked: oa.int(),
          rangesChecked: oa.int(),
          firstMismatch: MISMATCH,
        },
        ['firstMismatch'],
      ),
    ),
    ranges: oa.array(RANGE_CHECK),
    firstMismatch: MISMATCH,
  },
  ['firstMismatch'],
);

/** 200 of `GET /api/jobs/:id/fidelity`. */
export const FIDELITY_SCHEMA = oa.obj({
  ok: oa.bool('Every column and foreign key within its threshold'),
  columns: oa.array(
    oa.obj({ table: oa.str(), column: oa.str(), nullDiff: oa.num(), distinctRatio: oa.num(), valueDistance: oa.num(), histogramDistance: oa.num(), widthRatio: oa.num(), ok: oa.bool() }, ['valueDistance', 'histogramDistance', 'widthRatio']),
  ),
  foreignKeys: oa.array(oa.obj({ table: oa.str(), column: oa.str(), perParentMeanRatio: oa.num(), ok: oa.bool() })),
  missing: oa.array(oa.str(), 'Tables without statistics (missing or never analysed)'),
  thresholds: oa.obj({ nullDiff: oa.num(), distinctRatio: oa.num(), valueDistance: oa.num(), histogramDistance: oa.num(), perParentMean: oa.num(), widthRatio: oa.num() }),
});
