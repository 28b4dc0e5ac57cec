import { describe, expect, it } from 'vitest';
import { downloadUrl, errorBody, isFullStatus, previewUrl } from './api.js';

describe('api urls', () => {
  it('builds stream and download URLs for a catalog table; random seed is omitted', () => {
    expect(previewUrl({ source: { kind: 'table', table: 'users' }, rows: 1000, seed: 42 })).toBe('/api/orchestrator/stream?table=users&rows=1000&seed=42');
    expect(downloadUrl({ source: { kind: 'table', table: 'users' }, rows: 5, seed: null })).toBe('/api/orchestrator/download/csv?table=users&rows=5');
  });

  it('encodes a custom schema as JSON in the query', () => {
    const schema = { name: 't', columns: [{ name: 'id', type: 'serial' as const }] };
    const url = new URL(previewUrl({ source: { kind: 'schema', schema }, rows: 3, seed: 1 }), 'http://x');
    expect(JSON.parse(url.searchParams.get('schema')!)).toEqual(schema);
    expect(url.searchParams.get('table')).toBeNull();
  });
});

describe('errorBody', () => {
  it('keeps the field of a JSON error body', async () => {
    const res = new Response(JSON.stringify({ statusCode: 400, error: 'Bad Request', message: 'rows: too many', field: 'rows' }), { status: 400 });
    expect(await errorBody(res)).toEqual({ statusCode: 400, error: 'Bad Request', message: 'rows: too many', field: 'rows' });
  });
  it('turns a non-JSON failure into a plain message', async () => {
    const res = new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' });
    expect(await errorBody(res)).toMatchObject({ statusCode: 502, message: '502 Bad Gateway' });
  });
});

describe('isFullStatus', () => {
  it('tells a full JobStatus from a 202 summary', () => {
    expect(isFullStatus({ id: 'x' })).toBe(false);
    expect(isFullStatus({ id: 'x', state: 'queued', rowsTotal: 1, rowsWritten: 0, partitions: [] })).toBe(true);
  });
});
