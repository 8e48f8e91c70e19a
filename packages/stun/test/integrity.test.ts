import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  attr,
  crc32,
  decodeMessage,
  encodeMessage,
  longTermKey,
  Nonce,
  Realm,
  shortTermKey,
  StunClass,
  StunError,
  Username,
} from '../src/index.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StunError);
    return (e as StunError).code;
  }
  return undefined;
}

const init = {
  method: 1,
  messageClass: StunClass.Request,
  attributes: [attr(Username, 'alice'), attr(Realm, 'test'), attr(Nonce, 'abc')],
} as const;

describe('CRC-32', () => {
  it('matches the ISO 3309 check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('MESSAGE-INTEGRITY-SHA256', () => {
  const key = longTermKey('alice', 'test', 'secret', 'SHA-256');
  it('long-term SHA-256 key is SHA-256(username:realm:password)', () => {
    expect(Buffer.from(key).toString('hex')).toBe(createHash('sha256').update('alice:test:secret').digest('hex'));
  });
  it('verifies, and matches an independent HMAC with the adjusted length', () => {
    const bytes = encodeMessage(init, { messageIntegritySha256: key });
    const m = decodeMessage(bytes);
    expect(m.verifyIntegrity(key)).toBe('MESSAGE-INTEGRITY-SHA256');
    // Independent computation: HMAC-SHA256 over everything before the attribute, header length as is
    // (it already ends at the integrity attribute here).
    const at = bytes.length - 36;
    const mac = createHmac('sha256', key).update(bytes.subarray(0, at)).digest();
    expect(Buffer.from(bytes.subarray(at + 4)).equals(mac)).toBe(true);
  });
  it('supports truncation to 16 bytes', () => {
    const bytes = encodeMessage(init, { messageIntegritySha256: key, messageIntegritySha256Length: 16 });
    expect(decodeMessage(bytes).verifyIntegrity(key)).toBe('MESSAGE-INTEGRITY-SHA256');
    expect(codeOf(() => encodeMessage(init, { messageIntegritySha256: key, messageIntegritySha256Length: 18 }))).toBe(
      'INVALID_ARGUMENT',
    );
  });
  it('with both MI and MI-SHA256 and FINGERPRINT, all are checked', () => {
    const bytes = encodeMessage(init, { messageIntegrity: key, messageIntegritySha256: key, fingerprint: true });
    expect(decodeMessage(bytes).verifyIntegrity(key)).toBe('both');
    // Flip a bit inside MI-SHA256 and fix the fingerprint: SHA-1 still ok, SHA-256 must fail.
    const bad = Uint8Array.from(bytes);
    bad[bad.length - 8 - 5]! ^= 1;
    const fixed = encodeFingerprint(bad);
    expect(codeOf(() => decodeMessage(fixed).verifyIntegrity(key))).toBe('BAD_INTEGRITY');
  });
});

function encodeFingerprint(b: Uint8Array): Uint8Array {
  const v = new DataView(b.buffer, b.byteOffset);
  v.setUint32(b.length - 4, (crc32(b, 0, b.length - 8) ^ 0x5354554e) >>> 0);
  return b;
}

describe('failed checks are rejected', () => {
  const key = shortTermKey('pw');
  it('any changed byte before MESSAGE-INTEGRITY fails verification', () => {
    const bytes = encodeMessage(init, { messageIntegrity: key });
    for (let i = 0; i < bytes.length - 24; i++) {
      if (i === 2 || i === 3) continue; // length changes are a different error
      const bad = Uint8Array.from(bytes);
      bad[i]! ^= 0x40;
      const code = codeOf(() => decodeMessage(bad).verifyIntegrity(key));
      expect(code, `byte ${i}`).toBeDefined();
    }
  });
  it('missing integrity is an error, not a pass', () => {
    expect(codeOf(() => decodeMessage(encodeMessage(init)).verifyIntegrity(key))).toBe('MISSING_INTEGRITY');
  });
  it('bad FINGERPRINT is rejected on decode', () => {
    const bytes = encodeMessage(init, { fingerprint: true });
    const bad = Uint8Array.from(bytes);
    bad[bad.length - 1]! ^= 1;
    expect(codeOf(() => decodeMessage(bad))).toBe('BAD_FINGERPRINT');
    expect(decodeMessage(bad, { checkFingerprint: false }).hasFingerprint).toBe(true);
  });
  it('FINGERPRINT not last is rejected', () => {
    const bytes = encodeMessage(init, { fingerprint: true });
    const extra = Buffer.concat([bytes, Buffer.from('000d000400000001', 'hex')]);
    extra.writeUInt16BE(extra.length - 20, 2);
    expect(codeOf(() => decodeMessage(extra))).toBe('BAD_FINGERPRINT');
  });
});
