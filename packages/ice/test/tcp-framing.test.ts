// RFC 4571 framing of ICE-TCP (RFC 6544 §3): frames survive any split of the byte stream, and a
// stream that says nonsense is refused with IceError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameRfc4571, IceError, MAX_RFC4571_FRAME, Rfc4571Deframer } from '../src/index.js';

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe('RFC 4571 framing', () => {
  it('prefixes a 16-bit big-endian length', () => {
    expect([...frameRfc4571(Uint8Array.of(1, 2, 3))]).toEqual([0, 3, 1, 2, 3]);
    const big = frameRfc4571(new Uint8Array(0x1234));
    expect([big[0], big[1], big.length]).toEqual([0x12, 0x34, 0x1236]);
    expect(() => frameRfc4571(new Uint8Array(MAX_RFC4571_FRAME + 1))).toThrow(IceError);
  });

  it('gives back frames split across reads, byte by byte, and coalesced in one read', () => {
    const frames = [Uint8Array.of(0, 1, 2, 3), Uint8Array.of(9), new Uint8Array(300).fill(7)];
    const stream = concat(frames.map(frameRfc4571));
    const one = new Rfc4571Deframer();
    expect(one.push(stream)).toEqual(frames);
    expect(one.buffered).toBe(0);
    const byByte = new Rfc4571Deframer();
    const out: Uint8Array[] = [];
    for (const b of stream) out.push(...byByte.push(Uint8Array.of(b)));
    expect(out).toEqual(frames);
    // A length prefix cut in half, then the rest with the next frame.
    const split = new Rfc4571Deframer();
    expect(split.push(stream.subarray(0, 1))).toEqual([]);
    expect(split.buffered).toBe(1);
    expect(split.push(stream.subarray(1, 9))).toEqual(frames.slice(0, 2));
  });

  it('refuses an oversized or empty frame with IceError malformed-frame, and everything after it', () => {
    const d = new Rfc4571Deframer(1500);
    expect(() => d.push(Uint8Array.of(0x05, 0xdd))).toThrow(expect.objectContaining({ code: 'malformed-frame' }));
    expect(() => d.push(frameRfc4571(Uint8Array.of(1)))).toThrow(IceError);
    expect(() => new Rfc4571Deframer().push(Uint8Array.of(0, 0))).toThrow(expect.objectContaining({ code: 'malformed-frame' }));
    // A frame at the limit is fine.
    expect(new Rfc4571Deframer(1500).push(frameRfc4571(new Uint8Array(1500)))).toHaveLength(1);
  });

  it('property: any frames, cut at any points, come back whole and in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 2000 }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (frames, cuts) => {
          const stream = concat(frames.map(frameRfc4571));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const d = new Rfc4571Deframer();
          const out: Uint8Array[] = [];
          let from = 0;
          for (const p of [...points, stream.length]) {
            out.push(...d.push(stream.subarray(from, p)));
            from = p;
          }
          expect(out.map((f) => [...f])).toEqual(frames.map((f) => [...f]));
          expect(d.buffered).toBe(0);
        },
      ),
      { seed: 4571, numRuns: 300 },
    );
  });

  it('property: garbage gives frames or IceError, never another error, and never a frame past the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 6 }), fc.integer({ min: 1, max: 2000 }), (chunks, max) => {
        const d = new Rfc4571Deframer(max);
        try {
          for (const c of chunks) for (const f of d.push(c)) expect(f.length).toBeLessThanOrEqual(max);
        } catch (e) {
          expect(e).toBeInstanceOf(IceError);
        }
        expect(d.buffered).toBeLessThanOrEqual(max + 2);
      }),
      { seed: 6544, numRuns: 500 },
    );
  });
});
