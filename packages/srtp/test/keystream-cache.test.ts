import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeystreamCache, writeAesCmIv } from '../src/keystream-cache.js';
import { nobleCryptoProvider } from '../src/noble-crypto-provider.js';
import { nodeCryptoProvider } from '../src/node-crypto-provider.js';

describe.each([nodeCryptoProvider, nobleCryptoProvider])('KeystreamCache with $name', (crypto) => {
  it('gives exactly the direct AES-CM keystream for any order of streams, indices and sizes (seed 3)', () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => i * 3);
    const salt = Uint8Array.from({ length: 14 }, (_, i) => 200 - i);
    const cipher = crypto.aesCounterMode(key);
    const cache = new KeystreamCache(cipher, salt);
    const iv = new Uint8Array(16);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ssrc: fc.oneof(fc.constantFrom(1, 2, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff })),
            index: fc.oneof(fc.integer({ min: 65530, max: 65545 }), fc.integer({ min: 0, max: 2 ** 48 - 1 })),
            length: fc.oneof(fc.constantFrom(0, 1, 15, 16, 17, 1200, 1504, 1505, 3000), fc.integer({ min: 0, max: 1600 })),
          }),
          { maxLength: 40 },
        ),
        (packets) => {
          for (const { ssrc, index, length } of packets) {
            const roc = Math.floor(index / 65536);
            const seq = index % 65536;
            const a = new Uint8Array(length + 3).fill(0x5a);
            const b = a.slice();
            if (!cache.xor(ssrc, roc, seq, a, 3, 3 + length)) cipher.xorKeystream((writeAesCmIv(iv, salt, ssrc, roc, seq), iv), a, 3, 3 + length);
            writeAesCmIv(iv, salt, ssrc, roc, seq);
            cipher.xorKeystream(iv, b, 3, 3 + length);
            expect(a).toEqual(b);
          }
        },
      ),
      { seed: 3, numRuns: 20 },
    );
  });

  it('serves a stream in order, and restarts on reorder, growth and too many streams', () => {
    const cipher = crypto.aesCounterMode(new Uint8Array(16).fill(1));
    const salt = new Uint8Array(14).fill(2);
    const cache = new KeystreamCache(cipher, salt);
    const iv = new Uint8Array(16);
    const check = (ssrc: number, index: number, length: number) => {
      const a = new Uint8Array(length);
      const b = new Uint8Array(length);
      expect(cache.xor(ssrc, Math.floor(index / 65536), index % 65536, a, 0, length)).toBe(length <= 1504);
      writeAesCmIv(iv, salt, ssrc, Math.floor(index / 65536), index % 65536);
      cipher.xorKeystream(iv, b, 0, length);
      if (length <= 1504) expect(a).toEqual(b);
    };
    for (let i = 65530; i < 65560; i++) check(7, i, 100 + (i % 7) * 150);
    check(7, 65531, 1200); // behind the batch
    check(7, 65560, 1500); // bigger than the slot
    for (let s = 0; s < 70; s++) check(1000 + s, 5, 50); // past the stream limit
    check(7, 65561, 1500);
    check(7, 65562, 1505); // beyond the cache: the caller goes direct
  });
});
