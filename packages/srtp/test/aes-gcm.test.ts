import { createCipheriv } from 'node:crypto';
import { ghash } from '@noble/ciphers/_polyval.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ghash } from '../src/ghash.js';
import { nobleCryptoProvider } from '../src/noble-crypto-provider.js';
import { nodeCryptoProvider } from '../src/node-crypto-provider.js';
import { SrtpContext } from '../src/srtp-context.js';
import type { SrtpProtectionProfile } from '../src/protection-profile.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** What the node provider did before: one OpenSSL GCM cipher per packet. */
function opensslSeal(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, pt: Uint8Array): string {
  const c = createCipheriv(key.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm', key, iv);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(pt), c.final()]);
  return ct.toString('hex') + c.getAuthTag().toString('hex');
}

describe('GHASH', () => {
  it.each([false, true])('equals @noble ghash for any H, AAD and data, portable=%s (seed 5)', (portable) => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 70 }), fc.uint8Array({ maxLength: 1600 }), fc.nat(5), (h, aad, data, pad) => {
        const buf = new Uint8Array(pad + data.length);
        buf.set(data, pad);
        const out = new Uint8Array(16);
        new Ghash(h, portable).digest(aad, buf, pad, pad + data.length, out);
        const lengths = new Uint8Array(16);
        const v = new DataView(lengths.buffer);
        v.setUint32(4, aad.length * 8);
        v.setUint32(12, data.length * 8);
        const padTo = (b: Uint8Array) => { const p = new Uint8Array((b.length + 15) & ~15); p.set(b); return p; };
        const ref = ghash.create(h).update(padTo(aad)).update(padTo(data)).update(lengths).digest();
        expect(hex(out)).toBe(hex(ref));
      }),
      { seed: 5, numRuns: 60 },
    );
  });

  it('hashes inputs longer than its work area (64 KB and odd sizes)', () => {
    const h = Uint8Array.from({ length: 16 }, (_, i) => i * 11 + 1);
    for (const n of [32768, 32769, 65536 + 7]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0xff);
      const aad = new Uint8Array(40).fill(7);
      const a = new Uint8Array(16), b = new Uint8Array(16);
      new Ghash(h).digest(aad, data, 0, n, a);
      new Ghash(h, true).digest(aad, data, 0, n, b);
      expect(hex(a)).toBe(hex(b));
    }
  });
});

describe.each([16, 32])('node AES-GCM (CTR on AES-ECB + table GHASH), %i-byte key', (keyLength) => {
  const key = Uint8Array.from({ length: keyLength }, (_, i) => (i * 29 + 3) & 0xff);
  const node = nodeCryptoProvider.aesGcm(key);
  const noble = nobleCryptoProvider.aesGcm(key);

  it('equals OpenSSL and @noble for every payload length 0..1500, and opens its own output', () => {
    const rand = fc.sample(fc.uint8Array({ minLength: 1540, maxLength: 1540 }), { seed: 7, numRuns: 1 })[0]!;
    for (let n = 0; n <= 1500; n++) {
      const iv = rand.subarray(n % 20, (n % 20) + 12);
      const aad = rand.subarray(100, 100 + (n % 37));
      const pt = rand.subarray(30, 30 + n);
      const a = new Uint8Array(n + 16);
      a.set(pt);
      node.seal(iv, aad, a, 0, n);
      expect(hex(a)).toBe(opensslSeal(key, iv, aad, pt));
      if (n % 7 === 0 || n < 64) {
        const b = new Uint8Array(n + 16);
        b.set(pt);
        noble.seal(iv, aad, b, 0, n);
        expect(hex(b)).toBe(hex(a));
      }
      expect(node.open(iv, aad, a, 0, n)).toBe(true);
      expect(hex(a.subarray(0, n))).toBe(hex(pt));
    }
  });

  it('refuses any flipped bit in tag, ciphertext or AAD and leaves the data as it was (seed 9)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1500 }), fc.uint8Array({ minLength: 12, maxLength: 40 }), fc.nat(), fc.nat(7), (pt, aad, at, bit) => {
        const iv = aad.subarray(0, 12);
        const sealed = new Uint8Array(pt.length + 16);
        sealed.set(pt);
        node.seal(iv, aad, sealed, 0, pt.length);
        const where = at % (sealed.length + aad.length);
        const data = sealed.slice();
        const a = aad.slice();
        if (where < data.length) data[where]! ^= 1 << bit;
        else a[where - data.length]! ^= 1 << bit;
        const before = data.slice();
        expect(node.open(iv, a, data, 0, pt.length)).toBe(false);
        expect(hex(data)).toBe(hex(before));
        expect(noble.open(iv, a, data.slice(), 0, pt.length)).toBe(false);
      }),
      { seed: 9, numRuns: 200 },
    );
  });
});

describe.each(['SRTP_AEAD_AES_128_GCM', 'SRTP_AEAD_AES_256_GCM'] as SrtpProtectionProfile[])('%s: node and @noble sessions', (profile) => {
  const keyLength = profile.includes('256') ? 32 : 16;
  const key = Uint8Array.from({ length: keyLength }, (_, i) => i + 1);
  const salt = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);

  const packet = (seq: number, ssrc: number, csrcs: number, payload: Uint8Array) => {
    const p = new Uint8Array(12 + 4 * csrcs + payload.length);
    p[0] = 0x80 | csrcs;
    p[1] = 96;
    new DataView(p.buffer).setUint16(2, seq);
    new DataView(p.buffer).setUint32(8, ssrc);
    p.set(payload, 12 + 4 * csrcs);
    return p;
  };

  it('give the same SRTP and SRTCP bytes for random packets of every length 0..1500, across streams and the seq wrap (seed 13)', () => {
    const a = new SrtpContext(profile, key, salt, { crypto: nodeCryptoProvider });
    const b = new SrtpContext(profile, key, salt, { crypto: nobleCryptoProvider });
    const rxA = new SrtpContext(profile, key, salt, { crypto: nodeCryptoProvider });
    const rxB = new SrtpContext(profile, key, salt, { crypto: nobleCryptoProvider });
    const payloads = fc.sample(fc.uint8Array({ minLength: 1500, maxLength: 1500 }), { seed: 13, numRuns: 1 })[0]!;
    let seq = 65000;
    for (let n = 0; n <= 1500; n++) {
      seq = (seq + 1) & 0xffff;
      const ssrc = n % 3 === 0 ? 0xdeadbeef : 0x1234;
      const rtp = packet(seq, ssrc, n % 4, payloads.subarray(0, n));
      const pa = a.protectRtp(rtp);
      expect(hex(pa)).toBe(hex(b.protectRtp(rtp)));
      expect(hex(rxA.unprotectRtp(pa))).toBe(hex(rtp));
      if (n % 5 === 0) expect(hex(rxB.unprotectRtp(pa))).toBe(hex(rtp));
      if (n % 50 === 0) {
        const rtcp = new Uint8Array(8 + n);
        rtcp.set([0x80, 200, 0, 0, 0, 0, 0, 9]);
        rtcp.set(payloads.subarray(0, n), 8);
        const ca = a.protectRtcp(rtcp);
        expect(hex(ca)).toBe(hex(b.protectRtcp(rtcp)));
        expect(hex(rxB.unprotectRtcp(ca))).toBe(hex(rtcp));
      }
    }
  });

  it('refuses tampered SRTP and SRTCP tags', () => {
    const tx = new SrtpContext(profile, key, salt);
    const rx = new SrtpContext(profile, key, salt);
    const p = tx.protectRtp(packet(1, 5, 0, new Uint8Array(1200).fill(1)));
    p[p.length - 1]! ^= 0x80;
    expect(() => rx.unprotectRtp(p)).toThrow(expect.objectContaining({ code: 'auth-failed' }));
    const rtcp = new Uint8Array(28);
    rtcp.set([0x80, 200, 0, 6, 0, 0, 0, 9]);
    const c = tx.protectRtcp(rtcp);
    c[c.length - 5]! ^= 1;
    expect(() => rx.unprotectRtcp(c)).toThrow(expect.objectContaining({ code: 'auth-failed' }));
  });
});
