import { createCipheriv, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleCryptoProvider } from '../src/noble-crypto-provider.js';
import { nodeCryptoProvider } from '../src/node-crypto-provider.js';

describe.each([nodeCryptoProvider, nobleCryptoProvider])('$name primitives against OpenSSL', (crypto) => {
  it('HMAC-SHA1 equals createHmac for any key (short, 64, > 64 bytes) and message (seed 11)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.uint8Array({ maxLength: 3000 }), fc.nat(7), (key, msg, pad) => {
        const buf = new Uint8Array(pad + msg.length + 30);
        buf.set(msg, pad);
        crypto.hmacSha1(key).sign(buf, pad, pad + msg.length, buf, pad + msg.length + 3);
        expect(Buffer.from(buf.subarray(pad + msg.length + 3, pad + msg.length + 23)).toString('hex'))
          .toBe(createHmac('sha1', key).update(msg).digest('hex'));
      }),
      { seed: 11, numRuns: 60 },
    );
  });

  it('encryptBlocks is AES-ECB, for 128- and 256-bit keys', () => {
    for (const len of [16, 32]) {
      const key = Uint8Array.from({ length: len }, (_, i) => i * 5);
      const blocks = Uint8Array.from({ length: 160 }, (_, i) => i * 3);
      const ecb = createCipheriv(len === 16 ? 'aes-128-ecb' : 'aes-256-ecb', key, null).setAutoPadding(false);
      expect(Buffer.from(crypto.aesCounterMode(key).encryptBlocks(blocks)).toString('hex')).toBe(ecb.update(blocks).toString('hex'));
    }
  });

  it('AES-GCM open refuses a wrong tag and leaves the data alone', () => {
    const gcm = crypto.aesGcm(new Uint8Array(16).fill(9));
    const iv = new Uint8Array(12).fill(1);
    const aad = new Uint8Array([1, 2, 3]);
    const data = Uint8Array.from({ length: 50 + 16 }, (_, i) => i);
    gcm.seal(iv, aad, data, 0, 50);
    const sealed = data.slice();
    data[60]! ^= 1;
    const before = data.slice();
    expect(gcm.open(iv, aad, data, 0, 50)).toBe(false);
    expect(data).toEqual(before);
    expect(gcm.open(iv, aad, sealed, 0, 50)).toBe(true);
    expect([...sealed.subarray(0, 50)]).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
