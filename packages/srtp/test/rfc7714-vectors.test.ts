// RFC 7714 §16 and §17 publish *session* keys (no master key), so these vectors drive the AEAD
// transform directly with the RFC's key and salt, stepping over key derivation (pinned by B.3).
import { describe, expect, it } from 'vitest';
import { AeadAesGcmTransform } from '../src/aead-aes-gcm-transform.js';
import type { SrtpCryptoProvider } from '../src/crypto-provider.js';
import { nobleCryptoProvider } from '../src/noble-crypto-provider.js';
import { nodeCryptoProvider } from '../src/node-crypto-provider.js';
import { block, field, section, toHex, vectorFile } from './rfc-text.js';

const rtpText = vectorFile('rfc7714-section16-rtp.txt');
const rtcpText = vectorFile('rfc7714-section17-rtcp.txt');

function transform(crypto: SrtpCryptoProvider, lines: string[]): AeadAesGcmTransform {
  const keys = { encryptionKey: field(lines, 'Key'), salt: field(lines, 'salt'), authenticationKey: new Uint8Array(0) };
  expect(keys.salt).toEqual(new TextEncoder().encode('Quid pro quo'));
  return new AeadAesGcmTransform(keys, keys, crypto);
}

const ssrcOf = (p: Uint8Array, at: number) => ((p[at]! << 24) | (p[at + 1]! << 16) | (p[at + 2]! << 8) | p[at + 3]!) >>> 0;
const withRoom = (p: Uint8Array, extra: number) => {
  const b = new Uint8Array(p.length + extra);
  b.set(p);
  return b;
};

describe.each([nodeCryptoProvider, nobleCryptoProvider])('RFC 7714 vectors with $name', (crypto) => {
  for (const bits of ['128', '256'] as const) {
    const n = bits === '128' ? '1' : '2';

    it(`16.${n}.1 SRTP AEAD_AES_${bits}_GCM encryption gives the RFC's packet`, () => {
      const v = section(rtpText, `16.${n}.1.  SRTP AEAD_AES_${bits}_GCM Encryption`);
      const t = transform(crypto, v);
      expect(field(v, 'Key').length).toBe(Number(bits) / 8);
      const plain = block(v, 'Encrypting the following packet');
      const expected = block(v, 'Encrypted and tagged packet');
      expect(field(v, 'AAD')).toEqual(plain.subarray(0, 12));
      const buf = withRoom(plain, 16);
      const len = t.protectRtp(buf, plain.length, 12, ssrcOf(plain, 8), 0, (plain[2]! << 8) | plain[3]!);
      expect(toHex(buf.subarray(0, len))).toBe(toHex(expected));
    });

    it(`16.${n}.2 SRTP AEAD_AES_${bits}_GCM decryption recovers the RFC's payload`, () => {
      const v = section(rtpText, `16.${n}.2.  SRTP AEAD_AES_${bits}_GCM Decryption`);
      const t = transform(crypto, v);
      const prot = block(v, 'Decrypting the following packet');
      const payload = block(v, 'Verified and tagged packet');
      const buf = prot.slice();
      const len = t.unprotectRtp(buf, prot.length, 12, ssrcOf(prot, 8), 0, (prot[2]! << 8) | prot[3]!);
      expect(len).toBe(prot.length - 16);
      expect(toHex(buf.subarray(0, 12))).toBe(toHex(prot.subarray(0, 12)));
      expect(toHex(buf.subarray(12, len))).toBe(toHex(payload));
      // A flipped bit anywhere (header = AAD, cipher, tag) must not verify, and leaves the buffer alone.
      for (const at of [1, 11, 12, 30, prot.length - 1]) {
        const bad = prot.slice();
        bad[at]! ^= 0x01;
        const copy = bad.slice();
        expect(t.unprotectRtp(bad, bad.length, 12, ssrcOf(bad, 8), 0, (bad[2]! << 8) | bad[3]!), `bit at ${at}`).toBe(-1);
        expect(bad).toEqual(copy);
      }
      // The wrong ROC changes the IV: no verification either.
      expect(t.unprotectRtp(prot.slice(), prot.length, 12, ssrcOf(prot, 8), 1, (prot[2]! << 8) | prot[3]!)).toBe(-1);
    });
  }

  it('17.1 SRTCP AEAD_AES_128_GCM encryption and tagging (index 000005d4)', () => {
    const v = section(rtcpText, '17.1.  SRTCP AEAD_AES_128_GCM Encryption and Tagging');
    const t = transform(crypto, v);
    const plain = block(v, 'Encrypting the following packet');
    const expected = block(v, 'Encrypted and tagged packet');
    expect(field(v, 'AAD')).toEqual(new Uint8Array([...plain.subarray(0, 8), 0x80, 0x00, 0x05, 0xd4]));
    const buf = withRoom(plain, 20);
    const len = t.protectRtcp(buf, plain.length, ssrcOf(plain, 4), 0x5d4);
    expect(toHex(buf.subarray(0, len))).toBe(toHex(expected));
  });

  it('17.2 SRTCP AEAD_AES_256_GCM verification and decryption', () => {
    const v = section(rtcpText, '17.2.  SRTCP AEAD_AES_256_GCM Verification and Decryption');
    const t = transform(crypto, v);
    expect(field(v, 'Key').length).toBe(32);
    const prot = block(v, 'Decrypting the following packet');
    const expected = block(v, 'Verified and decrypted packet');
    const buf = prot.slice();
    const len = t.unprotectRtcp(buf, prot.length, ssrcOf(prot, 4), 0x5d4, true);
    expect(toHex(buf.subarray(0, len))).toBe(toHex(expected));
    const bad = prot.slice();
    bad[prot.length - 1]! ^= 1; // the ESRTCP word is associated data
    expect(t.unprotectRtcp(bad, bad.length, ssrcOf(bad, 4), 0x5d5, true)).toBe(-1);
  });

  it('17.3 SRTCP AEAD_AES_128_GCM tagging only (E = 0)', () => {
    const v = section(rtcpText, '17.3.  SRTCP AEAD_AES_128_GCM Tagging Only');
    const t = transform(crypto, v);
    const plain = block(v, 'Tagging the following packet');
    const expected = block(v, 'Tagged packet');
    const buf = withRoom(plain, 20);
    const len = t.protectRtcp(buf, plain.length, ssrcOf(plain, 4), 0x5d4, false);
    expect(toHex(buf.subarray(0, len))).toBe(toHex(expected));
  });

  it('17.4 SRTCP AEAD_AES_256_GCM tag verification (E = 0)', () => {
    const v = section(rtcpText, '17.4.  SRTCP AEAD_AES_256_GCM Tag Verification');
    const t = transform(crypto, v);
    const prot = block(v, 'Verifying the following packet');
    const expected = block(v, 'Verified packet');
    const buf = prot.slice();
    const len = t.unprotectRtcp(buf, prot.length, ssrcOf(prot, 4), 0x5d4, false);
    expect(toHex(buf.subarray(0, len))).toBe(toHex(expected));
    const bad = prot.slice();
    bad[20]! ^= 0x80; // clear-text payload is authenticated
    expect(t.unprotectRtcp(bad, bad.length, ssrcOf(bad, 4), 0x5d4, false)).toBe(-1);
  });
});
