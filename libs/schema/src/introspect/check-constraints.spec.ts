import { describe, expect, it } from 'vitest';
import { parseCheck } from './check-constraints.js';

describe('parseCheck: an alternative that only asks for values', () => {
  it.each([
    [
      "CHECK (((pricing_type <> 'legacy'::plan_pricing_type) OR ((\"interval\" IS NOT NULL) AND (amount_cents IS NOT NULL))))",
      [
        { column: 'interval', kind: 'notNull' },
        { column: 'amount_cents', kind: 'notNull' },
      ],
    ],
    ['CHECK (((kind = 1) OR (a IS NOT NULL)))', [{ column: 'a', kind: 'notNull' }]],
    // Set in one branch, NULL in the other: not a condition and a requirement, but every branch is
    // understood, so rows follow the branch that sets the most columns.
    [
      'CHECK ((((a IS NOT NULL) AND (b IS NULL)) OR ((a IS NOT NULL) AND (b IS NOT NULL))))',
      [
        { column: 'a', kind: 'null', isNull: false },
        { column: 'b', kind: 'null', isNull: false },
      ],
    ],
    // A branch that asks for a NULL is no requirement to set anything.
    ["CHECK (((kind = 'x'::text) OR (a IS NULL)))", null],
  ])('%s', (def, facts) => {
    expect(parseCheck(def)).toEqual(facts);
  });
});
