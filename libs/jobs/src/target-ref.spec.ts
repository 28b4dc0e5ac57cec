import { ValidationError } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { qualify, targetRef, targetSchemaProblem, targetTableProblem } from './target-ref.js';

describe('target names', () => {
  it('qualifies with both parts quoted, embedded quotes doubled', () => {
    expect(qualify({ schema: 'public', table: 'users' })).toBe('"public"."users"');
    expect(qualify({ schema: 'my "s"', table: 'a"."b' })).toBe('"my ""s"""."a"".""b"');
  });

  it.each(['rowflow.jobs', '"public.x"', 'a"."b', 'information_schema.x', 'pg_authid', 'PG_Description', 'x'.repeat(64), ''])('refuses table name %j', (name) => {
    expect(targetTableProblem(name)).not.toBeNull();
    expect(() => targetRef('public', name)).toThrow(ValidationError);
  });

  it.each(['users', 'Users Copy', 'Weird "name" x', 'pgbench_accounts', 'åäö', 'pg'])('accepts table name %j', (name) => {
    expect(targetTableProblem(name)).toBeNull();
    expect(targetRef('public', name)).toEqual({ schema: 'public', table: name });
  });

  it.each(['rowflow', 'ROWFLOW', 'pg_catalog', 'pg_toast', 'pg_temp', 'information_schema', ''])('refuses target schema %j', (schema) => {
    expect(targetSchemaProblem(schema)).not.toBeNull();
  });

  it.each(['public', 'other', 'Staging Area'])('accepts target schema %j', (schema) => {
    expect(targetSchemaProblem(schema)).toBeNull();
  });
});
