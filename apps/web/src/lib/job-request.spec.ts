import { describe, expect, it } from 'vitest';
import { jobRequest, type JobFormValues } from './job-request.js';

const form: JobFormValues = { chunkSize: 1000, auto: false, partitions: 2, mode: 'append', targetTable: '  ', skipLimit: 5 };

describe('jobRequest', () => {
  it('sends a catalog table with the form settings, omitting an empty target table', () => {
    expect(jobRequest({ source: { kind: 'table', table: 'users' }, rows: 10, seed: 3 }, form)).toEqual({
      table: 'users', rows: 10, seed: 3, chunkSize: 1000, partitions: 2, mode: 'append', skipLimit: 5,
    });
  });

  it('sends a custom schema, auto chunk size, no seed when random, and a trimmed target', () => {
    const schema = { name: 't', columns: [{ name: 'id', type: 'serial' as const }] };
    expect(jobRequest({ source: { kind: 'schema', schema }, rows: 1, seed: null }, { ...form, auto: true, targetTable: ' x ' })).toEqual({
      schema, rows: 1, chunkSize: 'auto', partitions: 2, mode: 'append', targetTable: 'x', skipLimit: 5,
    });
  });

  it('leaves partitions to the server when the field is empty (its default follows the row count)', () => {
    const body = jobRequest({ source: { kind: 'table', table: 'users' }, rows: 1_000_000, seed: 1 }, { ...form, partitions: null });
    expect(body).not.toHaveProperty('partitions');
    expect(body).toMatchObject({ table: 'users', rows: 1_000_000, chunkSize: 1000 });
  });
});
