import { describe, expect, it } from 'vitest';
import { parseStreamParams } from './stream-params.js';
import { validateTableSpec } from './validate-table-spec.js';

const col = (extra: Record<string, unknown>) => ({ name: 'e', columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 't', type: 'timestamptz', ...extra }] });

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { field?: string }).field;
  }
  return undefined;
}

describe('event-time and stream table options', () => {
  it('keeps valid options on the clean copy', () => {
    const raw = col({ mode: 'eventTime', ratePerSec: 10, start: '2025-01-01T00:00:00Z', maxOutOfOrderMs: 5, lateRatio: 0.1, lateMaxMs: 100 });
    const spec = validateTableSpec({ ...raw, columns: [{ name: 'id', type: 'serial' }, raw.columns[1]], duplicateRatio: 0.2 });
    expect(spec.columns[1]).toMatchObject({ ratePerSec: 10, maxOutOfOrderMs: 5, lateRatio: 0.1, lateMaxMs: 100 });
    expect(spec.duplicateRatio).toBe(0.2);
  });

  it.each([
    [col({ ratePerSec: 10 }), 'schema.columns[1].ratePerSec'],
    [col({ mode: 'eventTime', ratePerSec: 0 }), 'schema.columns[1].ratePerSec'],
    [col({ mode: 'eventTime', start: 'yesterday' }), 'schema.columns[1].start'],
    [col({ mode: 'eventTime', lateRatio: 0.1 }), 'schema.columns[1].lateMaxMs'],
    [col({ mode: 'eventTime', maxOutOfOrderMs: 100, lateRatio: 0.1, lateMaxMs: 50 }), 'schema.columns[1].lateMaxMs'],
    [col({ mode: 'eventTime', from: '2025-01-01' }), 'schema.columns[1].from'],
    [{ ...col({}), duplicateRatio: 0.9 }, 'schema.duplicateRatio'],
    [{ name: 'x', duplicateRatio: 0.1, columns: [{ name: 'u', type: 'uuid', unique: true }] }, 'schema.duplicateRatio'],
    [{ ...col({}), changeStream: { keys: 10, deleteRatios: 0.1 } }, 'schema.changeStream.deleteRatios'],
    [{ ...col({}), changeStream: {} }, 'schema.changeStream.keys'],
    [{ ...col({}), changeStream: { keys: 5, updateRatio: 0, deleteRatio: 0 } }, 'schema.changeStream.updateRatio'],
    [{ name: 'x', columns: [{ name: 'op', type: 'serial', primaryKey: true }], changeStream: { keys: 5 } }, 'schema.columns[0].name'],
    [{ name: 'x', columns: [{ name: 'a', type: 'int' }], changeStream: { keys: 5 } }, 'schema.changeStream'],
  ])('refuses %j naming %s', (spec, field) => {
    expect(fieldOf(() => validateTableSpec(spec))).toBe(field);
  });
});

describe('rate and partition parameters', () => {
  const parse = (q: Record<string, unknown>) => parseStreamParams({ rows: '10', ...q }, { maxRows: 100 });
  it('parses them', () => {
    expect(parse({ rate: '2.5', partitionBy: 'id', partitions: '4', part: '3' })).toMatchObject({ rate: 2.5, partition: { by: 'id', count: 4, index: 3 } });
  });
  it.each([
    [{ rate: '0' }, 'rate'],
    [{ rate: 'fast' }, 'rate'],
    [{ partitions: '4', part: '1' }, 'partitionBy'],
    [{ partitionBy: 'id', part: '1' }, 'partitions'],
    [{ partitionBy: 'id', partitions: '4' }, 'part'],
    [{ partitionBy: 'id', partitions: '4', part: '4' }, 'part'],
    [{ partitionBy: 'id', partitions: '0', part: '0' }, 'partitions'],
  ])('refuses %j naming %s', (q, field) => {
    expect(fieldOf(() => parse(q))).toBe(field);
  });
});
