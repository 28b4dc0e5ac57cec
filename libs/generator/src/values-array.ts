import type { ColumnSpec } from '@rowflow/contracts';
import { DEFAULT_ARRAY_ELEMENT, DEFAULT_ARRAY_LENGTH } from '@rowflow/schema';
import type { Cell, ColumnCompiler, CompiledColumn } from './column.js';
import { cellSeed, streamKey, TWO32 } from './hash.js';
import { RowContext } from './row-context.js';

/** Element text that must be double-quoted inside an array literal (PostgreSQL's array_in rules). */
const NEEDS_QUOTES = /^$|[{}",\\\s]|^null$/i;

/** One element of an array literal: NULL, a bare value, or a double-quoted one with `"` and `\` escaped. */
export function arrayElementLiteral(v: Cell): string {
  if (v === null) return 'NULL';
  const s = typeof v === 'string' ? v : String(v);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/[\\"]/g, '\\$&')}"` : s;
}

/** Nested `{…}` literal of `lengths[0] × lengths[1] × …` elements (a rectangular array, as PostgreSQL requires). */
function nest(lengths: number[], depth: number, next: () => string): string {
  const n = lengths[depth]!;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(depth === lengths.length - 1 ? next() : nest(lengths, depth + 1, next));
  return `{${parts.join(',')}}`;
}

/**
 * array: the PostgreSQL array literal of elements drawn by the element type's own generator.
 * Element j of row k is that generator at a virtual row hashed from (k, j), so elements are
 * seeded per cell like any column and the array stays a pure function of the row.
 */
export function arrayColumn(compileElement: (spec: ColumnSpec, seed: number, table: string) => CompiledColumn): ColumnCompiler {
  return ({ seed, table, col, random }) => {
    const elementTable = `${table}\u0000array:${col.name}`;
    const element = compileElement({ name: col.name, ...(col.element ?? DEFAULT_ARRAY_ELEMENT) }, seed, elementTable);
    const min = col.minLength ?? Math.min(DEFAULT_ARRAY_LENGTH.min, col.maxLength ?? Infinity);
    const max = col.maxLength ?? Math.max(DEFAULT_ARRAY_LENGTH.max, min);
    const dims = col.dimensions ?? 1;
    const key = streamKey(seed, elementTable, '\u0000elements');
    const inner = new RowContext(seed, elementTable);
    return {
      kind: 'text',
      value: (row) => {
        const r = random.at(row);
        const lengths = Array.from({ length: dims }, () => min + r.below(max - min + 1));
        if (lengths.includes(0)) return '{}';
        const rowKey = cellSeed(key, row.lo, row.hi);
        let j = 0;
        return nest(lengths, 0, () => {
          const at = j++;
          // 52-bit virtual row from (row hash, element index): each element is its own cell.
          inner.setRow((cellSeed(rowKey, at, 0) % 1048576) * TWO32 + cellSeed(rowKey, at, 1));
          return arrayElementLiteral(element.value(inner));
        });
      },
    };
  };
}
