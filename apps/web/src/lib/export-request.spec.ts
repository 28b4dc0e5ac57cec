import { describe, expect, it } from 'vitest';
import { exportRequest, formFieldOf } from './export-request.js';

const blank = { table: 'users', orderBy: '', where: '', workers: '' };

describe('export form → POST /api/exports body', () => {
  it('sends only what was filled in', () => {
    expect(exportRequest(blank)).toEqual({ ok: true, request: { table: 'users' } });
    expect(exportRequest({ table: ' orders ', orderBy: 'id', where: '{"col":"id","op":">","value":3}', workers: '4' })).toEqual({
      ok: true,
      request: { table: 'orders', orderBy: 'id', workers: 4, where: { col: 'id', op: '>', value: 3 } },
    });
  });

  it.each([
    [{ ...blank, table: ' ' }, 'table'],
    [{ ...blank, workers: '2.5' }, 'workers'],
    [{ ...blank, workers: '17' }, 'workers'],
    [{ ...blank, where: '{col:' }, 'where'],
  ])('%j is refused at %s', (form, field) => {
    expect(exportRequest(form)).toMatchObject({ ok: false, field });
  });

  it('maps server fields to form fields', () => {
    expect(formFieldOf('where.and[1].op')).toBe('where');
    expect(formFieldOf('orderBy')).toBe('orderBy');
    expect(formFieldOf('tabel')).toBeNull();
    expect(formFieldOf(undefined)).toBeNull();
  });
});
