import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimNetwork, recorder } from './helpers/sim.js';

/** Message i on its stream: 4-byte index then a fill byte derived from it. */
function body(i: number, size: number): Uint8Array {
  const b = new Uint8Array(Math.max(4, size)).fill((i * 31 + 7) & 0xff);
  new DataView(b.buffer).setUint32(0, i);
  return b;
}

describe('property: any link, any mix of messages', () => {
  it('every reliable message arrives exactly once, intact, in order per stream where ordered', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1 << 30 }),
          loss: fc.double({ min: 0, max: 0.25, noNaN: true }),
          duplicate: fc.double({ min: 0, max: 0.2, noNaN: true }),
          reorder: fc.double({ min: 0, max: 0.3, noNaN: true }),
          delay: fc.integer({ min: 1, max: 50 }),
        }),
        fc.array(
          fc.record({ size: fc.oneof(fc.integer({ min: 1, max: 1500 }), fc.integer({ min: 1, max: 150_000 })), stream: fc.integer({ min: 0, max: 3 }), unordered: fc.boolean() }),
          { minLength: 1, maxLength: 40 },
        ),
        (link, messages) => {
          const ra = recorder();
          const rb = recorder();
          const net = new SimNetwork([ra, rb], link);
          net.ends[0].connect(0);
          net.ends[1].connect(0);
          if (!net.runUntil(() => net.ends[0].state === 'established' && net.ends[1].state === 'established', 600_000)) return false;
          messages.forEach((m, i) => net.ends[0].send(m.stream, 53, body(i, m.size), { unordered: m.unordered }));
          if (!net.runUntil(() => rb.messages.length >= messages.length, 3_600_000)) return false;
          net.runUntil(() => false, net.now + 2000); // late duplicates must not deliver twice
          expect(rb.messages.length).toBe(messages.length);
          const seen = new Set<number>();
          const lastOrdered = new Map<number, number>();
          for (const r of rb.messages) {
            const i = new DataView(r.data.buffer, r.data.byteOffset).getUint32(0);
            const m = messages[i]!;
            expect(seen.has(i)).toBe(false);
            seen.add(i);
            expect(r.sid).toBe(m.stream);
            expect(r.unordered).toBe(m.unordered);
            expect(Buffer.compare(r.data, body(i, m.size))).toBe(0);
            if (!m.unordered) {
              expect(i).toBeGreaterThan(lastOrdered.get(m.stream) ?? -1);
              lastOrdered.set(m.stream, i);
            }
          }
          expect(ra.closed).toBeUndefined();
          return true;
        },
      ),
      { seed: 0x5c79, numRuns: 25 },
    );
  });
});
