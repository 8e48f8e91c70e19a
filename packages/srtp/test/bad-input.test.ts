// Every parser meets bad input: only SrtpError may come out, and a session keeps working after it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitKeyingMaterial, SrtpError, srtpKeyingMaterialLength, SrtpSession, type SrtpProtectionProfile } from '../src/index.js';
import { toHex } from './rfc-text.js';

const PROFILES: SrtpProtectionProfile[] = [
  'SRTP_AES128_CM_HMAC_SHA1_80',
  'SRTP_AES128_CM_HMAC_SHA1_32',
  'SRTP_AEAD_AES_128_GCM',
  'SRTP_AEAD_AES_256_GCM',
];

function sessions(profile: SrtpProtectionProfile) {
  const m = Uint8Array.from({ length: srtpKeyingMaterialLength(profile) }, (_, i) => (i * 91 + 5) & 0xff);
  const keys = splitKeyingMaterial(profile, m);
  return { tx: new SrtpSession({ profile, keys, role: 'client' }), rx: new SrtpSession({ profile, keys, role: 'server' }) };
}

function rtp(seq: number, payload = 40): Uint8Array {
  const p = new Uint8Array(12 + payload).map((_, i) => i);
  p.set([0x80, 96, seq >> 8, seq & 0xff, 0, 0, 0, 0, 1, 2, 3, 4]);
  return p;
}

function onlySrtpError(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (!(e instanceof SrtpError)) throw new Error(`not an SrtpError: ${String(e)}`);
    return e.code;
  }
}

describe.each(PROFILES)('bad input, %s', (profile) => {
  it('truncations of a valid SRTP/SRTCP packet are refused with typed errors', () => {
    const { tx, rx } = sessions(profile);
    const s = tx.protectRtp(rtp(1));
    const c = tx.protectRtcp(new Uint8Array([0x80, 200, 0, 6, 9, 9, 9, 9, ...new Uint8Array(20)]));
    for (let n = 0; n < s.length; n++) expect(onlySrtpError(() => rx.unprotectRtp(s.subarray(0, n))), `rtp ${n}`).toBeDefined();
    for (let n = 0; n < c.length; n++) expect(onlySrtpError(() => rx.unprotectRtcp(c.subarray(0, n))), `rtcp ${n}`).toBeDefined();
    expect(onlySrtpError(() => rx.unprotectRtp(new Uint8Array(0)))).toBe('too-short');
    expect(onlySrtpError(() => tx.protectRtp(new Uint8Array(11)))).toBe('too-short');
    expect(onlySrtpError(() => tx.protectRtcp(new Uint8Array(7)))).toBe('too-short');
    // Still works after all that.
    expect(toHex(rx.unprotectRtp(s))).toBe(toHex(rtp(1)));
    expect(rx.droppedTotal).toBe(s.length + c.length + 1);
  });

  it('header lengths that run past the packet, wrong versions, every flipped bit', () => {
    const { tx, rx } = sessions(profile);
    const cc = rtp(2);
    cc[0] = 0x8f; // 15 CSRCs = 72 bytes of header in a 52-byte packet
    expect(onlySrtpError(() => tx.protectRtp(cc))).toBe('malformed');
    const ext = rtp(2);
    ext[0] = 0x90; ext[14] = 0xff; ext[15] = 0xff; // extension of 65535 words
    expect(onlySrtpError(() => tx.protectRtp(ext))).toBe('malformed');
    const extHeaderCut = rtp(2, 2);
    extHeaderCut[0] = 0x90;
    expect(onlySrtpError(() => tx.protectRtp(extHeaderCut))).toBe('malformed');
    const v1 = rtp(2);
    v1[0] = 0x40;
    expect(onlySrtpError(() => tx.protectRtp(v1))).toBe('malformed');
    expect(onlySrtpError(() => tx.protectRtcp(new Uint8Array([0x40, 200, 0, 1, 0, 0, 0, 0])))).toBe('malformed');

    const s = tx.protectRtp(rtp(3));
    for (let bit = 0; bit < s.length * 8; bit++) {
      const bad = s.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      expect(onlySrtpError(() => rx.unprotectRtp(bad)), `bit ${bit}`).toBeDefined();
    }
    expect(toHex(rx.unprotectRtp(s))).toBe(toHex(rtp(3)));
  });

  it('fast-check: arbitrary bytes into every entry point give a result or an SrtpError (seed 42)', () => {
    const { tx, rx } = sessions(profile);
    const good = tx.protectRtp(rtp(7));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 1600 }), fc.boolean(), (bytes, asRtp) => {
        if (asRtp && bytes.length > 0) bytes[0] = (bytes[0]! & 0x3f) | 0x80; // reach past the version check too
        for (const op of [() => rx.unprotectRtp(bytes), () => rx.unprotectRtcp(bytes), () => tx.protectRtp(bytes), () => tx.protectRtcp(bytes)]) {
          onlySrtpError(op);
        }
      }),
      { seed: 42, numRuns: 300 },
    );
    expect(toHex(rx.unprotectRtp(good))).toBe(toHex(rtp(7)));
  });

  it('fast-check: protect then unprotect gives back any well-formed RTP packet (seed 7)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 15 }), fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
        fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ maxLength: 1400 }),
        (cc, ext, seq, ssrc, payload) => {
          const { tx, rx } = sessions(profile);
          const header = 12 + 4 * cc + (ext === undefined ? 0 : 4 + 4 * ext);
          const p = new Uint8Array(header + payload.length);
          p[0] = 0x80 | cc | (ext === undefined ? 0 : 0x10);
          p[2] = seq >> 8; p[3] = seq & 0xff;
          new DataView(p.buffer).setUint32(8, ssrc);
          if (ext !== undefined) p[12 + 4 * cc + 3] = ext;
          p.set(payload, header);
          expect(toHex(rx.unprotectRtp(tx.protectRtp(p)))).toBe(toHex(p));
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });
});
