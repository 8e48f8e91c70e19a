import { describe, expect, it } from 'vitest';
import { AeadAesGcmTransform } from '../src/aead-aes-gcm-transform.js';
import { AesCmHmacSha1Transform } from '../src/aes-cm-hmac-sha1-transform.js';
import { deriveSessionKeys } from '../src/key-derivation.js';
import {
  nobleCryptoProvider,
  nodeCryptoProvider,
  splitKeyingMaterial,
  SrtpContext,
  SrtpError,
  srtpKeyingMaterialLength,
  srtpProfileParameters,
  SrtpSession,
  type SrtpProtectionProfile,
} from '../src/index.js';
import { toHex } from './rfc-text.js';

const PROFILES: SrtpProtectionProfile[] = [
  'SRTP_AES128_CM_HMAC_SHA1_80',
  'SRTP_AES128_CM_HMAC_SHA1_32',
  'SRTP_AEAD_AES_128_GCM',
  'SRTP_AEAD_AES_256_GCM',
];

const material = (profile: SrtpProtectionProfile) =>
  Uint8Array.from({ length: srtpKeyingMaterialLength(profile) }, (_, i) => (i * 37 + 11) & 0xff);

function rtp(seq: number, ssrc = 0x11223344, payload = 100, extra: { cc?: number; extWords?: number } = {}): Uint8Array {
  const cc = extra.cc ?? 0;
  const ext = extra.extWords;
  const header = 12 + 4 * cc + (ext !== undefined ? 4 + 4 * ext : 0);
  const p = new Uint8Array(header + payload);
  for (let i = 0; i < p.length; i++) p[i] = (i * 7 + seq) & 0xff;
  p[0] = 0x80 | cc | (ext !== undefined ? 0x10 : 0);
  p[1] = 111;
  p[2] = (seq >> 8) & 0xff; p[3] = seq & 0xff;
  new DataView(p.buffer).setUint32(8, ssrc);
  if (ext !== undefined) {
    p[12 + 4 * cc + 2] = ext >> 8; p[12 + 4 * cc + 3] = ext & 0xff;
  }
  return p;
}

function rtcp(ssrc = 0x11223344, length = 28): Uint8Array {
  const p = new Uint8Array(length).map((_, i) => (i * 13) & 0xff);
  p[0] = 0x81; p[1] = 201; p[2] = 0; p[3] = length / 4 - 1;
  new DataView(p.buffer).setUint32(4, ssrc);
  return p;
}

const pair = (profile: SrtpProtectionProfile, replayWindowSize?: number) => {
  const keys = splitKeyingMaterial(profile, material(profile));
  const opts = replayWindowSize ? { replayWindowSize } : {};
  return {
    client: new SrtpSession({ profile, keys, role: 'client', ...opts }),
    server: new SrtpSession({ profile, keys, role: 'server', ...opts }),
  };
};

describe('keying material (RFC 5764 §4.2)', () => {
  it('splits client key | server key | client salt | server salt per profile', () => {
    expect(srtpKeyingMaterialLength('SRTP_AES128_CM_HMAC_SHA1_80')).toBe(60);
    expect(srtpKeyingMaterialLength('SRTP_AES128_CM_HMAC_SHA1_32')).toBe(60);
    expect(srtpKeyingMaterialLength('SRTP_AEAD_AES_128_GCM')).toBe(56);
    expect(srtpKeyingMaterialLength('SRTP_AEAD_AES_256_GCM')).toBe(88);
    const m = Uint8Array.from({ length: 60 }, (_, i) => i);
    const k = splitKeyingMaterial('SRTP_AES128_CM_HMAC_SHA1_80', m);
    expect([...k.clientWriteKey]).toEqual([...m.subarray(0, 16)]);
    expect([...k.serverWriteKey]).toEqual([...m.subarray(16, 32)]);
    expect([...k.clientWriteSalt]).toEqual([...m.subarray(32, 46)]);
    expect([...k.serverWriteSalt]).toEqual([...m.subarray(46, 60)]);
    const g = splitKeyingMaterial('SRTP_AEAD_AES_128_GCM', m.subarray(0, 56));
    expect(g.clientWriteSalt.length).toBe(12);
    expect(g.serverWriteSalt[11]).toBe(55);
  });

  it('refuses the wrong length and unknown profiles with typed errors', () => {
    expect(() => splitKeyingMaterial('SRTP_AES128_CM_HMAC_SHA1_80', new Uint8Array(56))).toThrow(SrtpError);
    expect(() => splitKeyingMaterial('SRTP_NULL' as SrtpProtectionProfile, new Uint8Array(60))).toThrow(/not supported/);
    expect(srtpProfileParameters(0x0007).name).toBe('SRTP_AEAD_AES_128_GCM');
    try {
      srtpProfileParameters(0x0005);
      expect.unreachable();
    } catch (e) {
      expect((e as SrtpError).code).toBe('unknown-profile');
    }
    expect(() => new SrtpContext('SRTP_AES128_CM_HMAC_SHA1_80', new Uint8Array(15), new Uint8Array(14))).toThrow(/master key/);
    expect(() => new SrtpContext('SRTP_AEAD_AES_128_GCM', new Uint8Array(16), new Uint8Array(14))).toThrow(/master salt/);
  });
});

describe('SrtpSession keys its contexts on first use', () => {
  it('makes no cipher until a packet needs one, then only that direction’s; refuses bad keys at once', () => {
    const profile: SrtpProtectionProfile = 'SRTP_AEAD_AES_128_GCM';
    const made: string[] = [];
    const counting = {
      ...nodeCryptoProvider,
      name: 'counting',
      aesGcm: (key: Uint8Array) => (made.push('gcm'), nodeCryptoProvider.aesGcm(key)),
      aesCounterMode: (key: Uint8Array) => (made.push('ctr'), nodeCryptoProvider.aesCounterMode(key)),
    };
    const keys = splitKeyingMaterial(profile, material(profile));
    const held = { ...keys, clientWriteKey: keys.clientWriteKey.slice() };
    const client = new SrtpSession({ profile, keys: held, role: 'client', crypto: counting });
    const server = new SrtpSession({ profile, keys, role: 'server' });
    expect(made).toEqual([]);
    held.clientWriteKey.fill(0); // the session kept its own copy
    const s = client.protectRtp(rtp(7));
    const protectCiphers = made.length;
    expect(protectCiphers).toBeGreaterThan(0);
    expect(toHex(server.unprotectRtp(s))).toBe(toHex(rtp(7)));
    expect(made.length).toBe(protectCiphers); // the receiving context of `client` is still unmade
    expect(() => new SrtpSession({ profile, keys: { ...keys, serverWriteSalt: new Uint8Array(14) }, role: 'client' })).toThrow(SrtpError);
    expect(() => new SrtpSession({ profile, keys, role: 'client', replayWindowSize: 8 })).toThrow(SrtpError);
  });
});

describe.each(PROFILES)('SrtpSession %s', (profile) => {
  const tag = srtpProfileParameters(profile).srtpAuthTagLength;

  it('client and server each unprotect what the other protects, not their own', () => {
    const { client, server } = pair(profile);
    const p = rtp(1000);
    const s = client.protectRtp(p);
    expect(s.length).toBe(p.length + tag);
    expect(toHex(server.unprotectRtp(s))).toBe(toHex(p));
    expect(() => client.unprotectRtp(s)).toThrow(/authentication failed/);
    const c = server.protectRtcp(rtcp());
    expect(toHex(client.unprotectRtcp(c))).toBe(toHex(rtcp()));
    expect(client.stats.dropped['auth-failed']).toBe(1);
    expect(server.stats).toMatchObject({ rtpUnprotected: 1, rtcpProtected: 1 });
  });

  it('leaves the header (CSRCs, extension) in the clear and encrypts the payload', () => {
    const { client, server } = pair(profile);
    const p = rtp(7, 0xabcdef01, 64, { cc: 3, extWords: 2 });
    const h = 12 + 12 + 12;
    const s = client.protectRtp(p);
    expect(toHex(s.subarray(0, h))).toBe(toHex(p.subarray(0, h)));
    expect(toHex(s.subarray(h, p.length))).not.toBe(toHex(p.subarray(h)));
    // The header is authenticated: change a CSRC and the packet is refused.
    const t = s.slice();
    t[13]! ^= 1;
    expect(server.tryUnprotectRtp(t)).toBeUndefined();
    expect(server.stats.dropped['auth-failed']).toBe(1);
    expect(toHex(server.unprotectRtp(s))).toBe(toHex(p));
  });

  it('refuses replays and packets behind the window, and keeps working', () => {
    const { client, server } = pair(profile);
    const packets: Uint8Array[] = [];
    for (let seq = 0; seq < 300; seq++) packets.push(client.protectRtp(rtp(seq)));
    server.unprotectRtp(packets[299]!);
    expect(() => server.unprotectRtp(packets[299]!)).toThrow(expect.objectContaining({ code: 'replayed' }));
    expect(() => server.unprotectRtp(packets[299 - 128]!)).toThrow(expect.objectContaining({ code: 'too-old' }));
    expect(toHex(server.unprotectRtp(packets[299 - 127]!))).toBe(toHex(rtp(299 - 127)));
    expect(() => server.unprotectRtp(packets[299 - 127]!)).toThrow(expect.objectContaining({ code: 'replayed' }));
    expect(server.stats.dropped).toMatchObject({ replayed: 2, 'too-old': 1 });
    const r1 = client.protectRtcp(rtcp());
    const r2 = client.protectRtcp(rtcp());
    server.unprotectRtcp(r2);
    server.unprotectRtcp(r1); // out of order but inside the window
    expect(server.tryUnprotectRtcp(r1)).toBeUndefined();
    expect(server.stats.dropped.replayed).toBe(3);
  });

  it('a larger replay window accepts what 128 would not', () => {
    const { client, server } = pair(profile, 1024);
    const packets: Uint8Array[] = [];
    for (let seq = 0; seq < 600; seq++) packets.push(client.protectRtp(rtp(seq)));
    server.unprotectRtp(packets[599]!);
    expect(toHex(server.unprotectRtp(packets[10]!))).toBe(toHex(rtp(10)));
    expect(() => new SrtpSession({ profile, keys: splitKeyingMaterial(profile, material(profile)), role: 'client', replayWindowSize: 32 })).toThrow(SrtpError);
  });

  it('tracks the ROC on both sides through 65535 → 0, also when the wrap arrives late', () => {
    const { client, server } = pair(profile);
    const sent = [65533, 65534, 65535, 0, 1, 2].map((seq) => client.protectRtp(rtp(seq)));
    expect(client.local.rolloverCounter(0x11223344, 'send')).toBe(1);
    for (const i of [0, 1, 3, 2, 5, 4]) expect(toHex(server.unprotectRtp(sent[i]!))).toBe(toHex(rtp([65533, 65534, 65535, 0, 1, 2][i]!)));
    expect(server.remote.rolloverCounter(0x11223344, 'receive')).toBe(1);
  });

  it('writes into a caller buffer, and unprotects in place', () => {
    const { client, server } = pair(profile);
    const out = new Uint8Array(1500);
    const p = rtp(5, 1, 1200);
    const s = client.protectRtp(p, out);
    expect(s.buffer).toBe(out.buffer);
    const copy = s.slice();
    const plain = server.unprotectRtp(copy, copy);
    expect(plain.buffer).toBe(copy.buffer);
    expect(toHex(plain)).toBe(toHex(p));
    expect(() => client.protectRtp(p, new Uint8Array(p.length))).toThrow(expect.objectContaining({ code: 'buffer-too-small' }));
    expect(() => client.protectRtcp(rtcp(), new Uint8Array(28))).toThrow(expect.objectContaining({ code: 'buffer-too-small' }));
  });

  it('SRTCP indices count from 1 per SSRC with the E flag set, and run out at 2^31 − 1', () => {
    const { client } = pair(profile);
    const at = (p: Uint8Array) => {
      const off = p.length - (profile.includes('GCM') ? 4 : 4 + 10);
      return new DataView(p.buffer, p.byteOffset).getUint32(off);
    };
    expect(at(client.protectRtcp(rtcp(1)))).toBe(0x80000001);
    expect(at(client.protectRtcp(rtcp(1)))).toBe(0x80000002);
    expect(at(client.protectRtcp(rtcp(2)))).toBe(0x80000001);
    client.local.setSendState(1, { srtcpIndex: 0x7ffffffe });
    expect(at(client.protectRtcp(rtcp(1)))).toBe(0xffffffff);
    expect(() => client.protectRtcp(rtcp(1))).toThrow(expect.objectContaining({ code: 'key-exhausted' }));
  });

  it('node:crypto and @noble produce the same packets', () => {
    const keys = splitKeyingMaterial(profile, material(profile));
    const a = new SrtpContext(profile, keys.clientWriteKey, keys.clientWriteSalt, { crypto: nodeCryptoProvider });
    const b = new SrtpContext(profile, keys.clientWriteKey, keys.clientWriteSalt, { crypto: nobleCryptoProvider });
    for (const [seq, len] of [[1, 0], [2, 1], [3, 15], [4, 16], [5, 17], [6, 1200], [7, 3000]] as const) {
      expect(toHex(a.protectRtp(rtp(seq, 9, len)))).toBe(toHex(b.protectRtp(rtp(seq, 9, len))));
    }
    expect(toHex(a.protectRtcp(rtcp(9, 1000)))).toBe(toHex(b.protectRtcp(rtcp(9, 1000))));
    const p = a.protectRtp(rtp(8, 9, 500));
    expect(toHex(b.unprotectRtcp(a.protectRtcp(rtcp(10))))).toBe(toHex(rtcp(10)));
    expect(p.length).toBe(512 + tag);
  });
});

describe.each(PROFILES)('SRTCP sent without encryption (E = 0), %s', (name) => {
  it('is authenticated and returned as is', () => {
    const profile = srtpProfileParameters(name);
    const key = new Uint8Array(profile.keyLength).fill(3);
    const salt = new Uint8Array(profile.saltLength).fill(4);
    const rtpKeys = deriveSessionKeys(nodeCryptoProvider, profile, key, salt, false);
    const rtcpKeys = deriveSessionKeys(nodeCryptoProvider, profile, key, salt, true);
    const t = profile.kind === 'aead-aes-gcm'
      ? new AeadAesGcmTransform(rtpKeys, rtcpKeys, nodeCryptoProvider)
      : new AesCmHmacSha1Transform(profile, rtpKeys, rtcpKeys, nodeCryptoProvider);
    const plain = rtcp(5, 40);
    const buf = new Uint8Array(40 + t.srtcpTrailerLength);
    buf.set(plain);
    const len = t.protectRtcp(buf, 40, 5, 7, false);
    expect(toHex(buf.subarray(0, 40))).toBe(toHex(plain));
    const word = len - t.srtcpIndexOffsetFromEnd;
    expect([...buf.subarray(word, word + 4)]).toEqual([0, 0, 0, 7]);
    const rx = new SrtpContext(name, key, salt);
    expect(toHex(rx.unprotectRtcp(buf.subarray(0, len)))).toBe(toHex(plain));
    const bad = buf.slice(0, len);
    bad[word] = 0x80; // claiming encryption changes the authenticated word
    const fresh = new SrtpContext(name, key, salt);
    expect(() => fresh.unprotectRtcp(bad)).toThrow(expect.objectContaining({ code: 'auth-failed' }));
  });
});

describe('in-place protect', () => {
  it('works when the packet is a view at the start of the output buffer', () => {
    const keys = splitKeyingMaterial('SRTP_AES128_CM_HMAC_SHA1_80', material('SRTP_AES128_CM_HMAC_SHA1_80'));
    const tx = new SrtpSession({ profile: 'SRTP_AES128_CM_HMAC_SHA1_80', keys, role: 'client' });
    const rx = new SrtpSession({ profile: 'SRTP_AES128_CM_HMAC_SHA1_80', keys, role: 'server' });
    const big = new Uint8Array(1500);
    const p = rtp(9, 5, 300);
    big.set(p);
    const s = tx.protectRtp(big.subarray(0, p.length), big);
    expect(s.buffer).toBe(big.buffer);
    expect(toHex(rx.unprotectRtp(s))).toBe(toHex(p));
    expect(() => tx.protectRtp(p, p)).toThrow(expect.objectContaining({ code: 'buffer-too-small' }));
  });
});
