import { DEFAULT_PATTERN, parsePattern, type PatternNode, patternIsPlain } from '@rowflow/schema';
import type { ColumnCompiler } from './column.js';
import type { Rng } from './hash.js';

/** Appends one string the node matches to `out`. */
function emit(node: PatternNode, r: Rng, out: string[]): void {
  switch (node.kind) {
    case 'set':
      out.push(node.chars.charAt(r.below(node.chars.length)));
      return;
    case 'seq':
      for (const item of node.items) emit(item, r, out);
      return;
    case 'alt':
      emit(node.options[r.below(node.options.length)]!, r, out);
      return;
    case 'repeat':
      for (let n = node.min + r.below(node.max - node.min + 1); n > 0; n--) emit(node.node, r, out);
      return;
  }
}

/** A string matching the anchored pattern, drawn by walking its syntax tree (no generate-and-filter). */
export function generateFromPattern(node: PatternNode, r: Rng): string {
  const out: string[] = [];
  emit(node, r, out);
  return out.join('');
}

/** pattern: text matching an anchored regular expression of the supported subset. */
export const patternColumn: ColumnCompiler = ({ col, random }) => {
  const tree = parsePattern(col.pattern ?? DEFAULT_PATTERN);
  return { kind: patternIsPlain(tree) ? 'plain' : 'text', value: (row) => generateFromPattern(tree, random.at(row)) };
};
