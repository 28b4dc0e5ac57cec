import { describe, expect, it } from 'vitest';
import { describeField, jsonErrorMessage, lineColumn, parseSchema, schemaErrorFromServer } from './schema-editor.js';

describe('parseSchema', () => {
  it('accepts a valid schema', () => {
    const r = parseSchema('{"name":"t","columns":[{"name":"id","type":"serial"},{"name":"e","type":"email","nullRatio":0.1}]}');
    expect(r.ok).toBe(true);
  });

  it('reports JSON syntax errors with line and column', () => {
    const r = parseSchema('{\n  "name": "t",\n  "columns": [}\n}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.field).toBe('json');
    expect(r.errors[0]!.message).toMatch(/line 3, column 15/);
  });

  it('checks every column field by field, in order, with the servers\' schema module', () => {
    const r = parseSchema(JSON.stringify({ name: '', columns: [{ name: 'a', type: 'int' }, { name: 'b', type: 'nope' }, { type: 'text', nullRatio: 2 }, 7, { name: 'c', type: 'int', nullratio: 0.5 }] }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field)).toEqual(['name', 'columns[1].type', 'columns[2].name', 'columns[2].nullRatio', 'columns[3]', 'columns[4].nullratio']);
    expect(r.errors[1]!.message).toMatch(/^unknown type "nope"; expected one of serial, int/);
    expect(r.errors[5]!.message).toMatch(/did you mean "nullRatio"/);
  });

  it('catches cross-field rules and duplicate names before any request', () => {
    const dup = parseSchema(JSON.stringify({ name: 't', columns: [{ name: 'a', type: 'int' }, { name: 'a', type: 'int', min: 5, max: 1 }] }));
    expect(!dup.ok && dup.errors.map((e) => e.field)).toEqual(['columns[1].min', 'columns[1].name']);
    const twice = parseSchema(JSON.stringify({ name: 't', columns: [{ name: 'a', type: 'int' }, { name: 'a', type: 'text' }] }));
    expect(!twice.ok && twice.errors.map((e) => e.field)).toEqual(['columns[1].name']);
  });

  it('wants a non-empty columns array and an object at the top', () => {
    const r = parseSchema('{"name":"t","columns":[]}');
    expect(!r.ok && r.errors[0]!.field).toBe('columns');
    const top = parseSchema('[1]');
    expect(!top.ok && top.errors[0]!.field).toBe('schema');
  });
});

describe('json error positions', () => {
  it('maps an offset to a 1-based line and column', () => {
    expect(lineColumn('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(jsonErrorMessage('{x}', new SyntaxError('whatever the browser says'))).toBe("Invalid JSON at line 1, column 2: expected a property name in double quotes, found 'x'");
    expect(jsonErrorMessage('', new SyntaxError('x'))).toBe('Invalid JSON at line 1, column 1: expected a value, found end of input');
  });
});

describe('server errors → inline errors', () => {
  it('maps a schema field to an editor path and strips the field prefix from the message', () => {
    expect(schemaErrorFromServer({ field: 'schema.columns[1].type', message: 'schema.columns[1].type: unknown type "x"' })).toEqual({ field: 'columns[1].type', message: 'unknown type "x"' });
  });
  it('falls back to a field named at the start of the message', () => {
    expect(schemaErrorFromServer({ message: 'schema.columns[0].min: must be ≤ max' })).toEqual({ field: 'columns[0].min', message: 'must be ≤ max' });
  });
  it('leaves non-schema errors to the form they belong to', () => {
    expect(schemaErrorFromServer({ field: 'rows', message: 'rows: must be ≥ 1' })).toBeNull();
  });
  it('names the column in the label', () => {
    const schema = { name: 't', columns: [{ name: 'id', type: 'serial' }, { name: 'email', type: 'x' }] };
    expect(describeField('columns[1].type', schema)).toBe('columns[1] “email” · type');
    expect(describeField('name', schema)).toBe('name');
  });
});
