import { describe, expect, it } from 'vitest';
import { countedKeyRow, heavySlots, ParentSlots } from './parent-slots.js';

/** Children of each slot, from every rank's slot (ranks in order, so slots must not decrease). */
function sizes(slots: ParentSlots): number[] {
  const out = new Array<number>(slots.count).fill(0);
  let last = 0;
  for (let r = 0; r < slots.rows; r++) {
    const j = slots.slotOf(r);
    expect(j).toBeGreaterThanOrEqual(last);
    last = j;
    out[j] = (out[j] ?? 0) + 1;
  }
  return out;
}

describe('ParentSlots', () => {
  it('spreads the rows evenly over the slots when no parent is common: 412 invoices over 59 customers', () => {
    const s = sizes(new ParentSlots(59, 412));
    expect(s.reduce((a, b) => a + b, 0)).toBe(412);
    expect(Math.min(...s)).toBe(6);
    expect(Math.max(...s)).toBe(7);
  });

  it('gives the common parents their share and the rest an even part; every slot used', () => {
    const s = sizes(new ParentSlots(25, 3503, new Map([[0, 0.37], [6, 0.11]])));
    expect(s[0]).toBe(Math.round(0.37 * 3503));
    expect(Math.abs((s[6] as number) - 0.11 * 3503)).toBeLessThanOrEqual(1);
    const light = s.filter((_, j) => j !== 0 && j !== 6);
    expect(Math.max(...light) - Math.min(...light)).toBeLessThanOrEqual(1);
    expect(s.every((n) => n > 0)).toBe(true);
    expect([...new ParentSlots(25, 3503, new Map([[0, 0.37], [6, 0.11]])).shares()].reduce((a, b) => a + b, 0)).toBeCloseTo(1);
  });

  it('shares over 1, or every slot common: the shares are all there is', () => {
    const s = sizes(new ParentSlots(2, 100, new Map([[0, 0.9], [1, 0.9]])));
    expect(s).toEqual([50, 50]);
  });

  it('maps counted parent keys to their rows and common keys to their slots', () => {
    expect(countedKeyRow({ name: 'id', type: 'int', mode: 'sequence', min: 10248 }, 0, '10250')).toBe(2);
    expect(countedKeyRow({ name: 'id', type: 'serial' }, 5, '7')).toBe(1);
    expect(countedKeyRow({ name: 'id', type: 'int', min: 1 }, 0, '3')).toBeNull();
    // 4 of 8 parents referenced: slot j is parent 2j; parent 3 (key 4) is not among them.
    const heavy = heavySlots(['5', '4', '1'], [0.5, 0.2, 0.1], (v) => Number(v) - 1, 4, 8);
    expect([...heavy]).toEqual([[2, 0.5], [0, 0.1]]);
  });
});
