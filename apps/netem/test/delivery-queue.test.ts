/** The min-heap behind the relays' single timer. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../src/index.js';

describe('DeliveryQueue', () => {
  it('pops by time, equal times in arrival order (fixed-seed property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 3 })), { maxLength: 300 }), (entries) => {
        const q = new DeliveryQueue<number>();
        entries.forEach(([t, tag], i) => q.push(t, i, tag));
        expect(q.size).toBe(entries.length);
        const expected = entries.map(([t, tag], i) => ({ t, tag, i })).sort((a, b) => a.t - b.t || a.i - b.i);
        for (const e of expected) {
          expect(q.peekTime()).toBe(e.t);
          expect(q.pop()).toBe(e.i);
          expect(q.lastTag).toBe(e.tag);
        }
        expect(q.pop()).toBeUndefined();
        expect(q.peekTime()).toBe(Infinity);
      }),
      { seed: 20261123, numRuns: 300 },
    );
  });
  it('interleaved pushes and pops stay ordered', () => {
    const q = new DeliveryQueue<string>();
    q.push(5, 'a');
    q.push(1, 'b');
    expect(q.pop()).toBe('b');
    q.push(3, 'c');
    q.push(5, 'd');
    expect([q.pop(), q.pop(), q.pop()]).toEqual(['c', 'a', 'd']);
    q.push(1, 'e');
    q.clear();
    expect(q.size).toBe(0);
    expect(q.pop()).toBeUndefined();
  });
});
