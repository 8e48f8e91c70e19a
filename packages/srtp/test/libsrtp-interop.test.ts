// Byte-equal with libsrtp 2 (Debian python3-pylibsrtp): what we protect libsrtp unprotects, what
// libsrtp protects we unprotect, and both protect the same plaintext to the same bytes.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SrtpContext } from '../src/srtp-context.js';
import type { SrtpProtectionProfile } from '../src/protection-profile.js';
import { srtpProfileParameters } from '../src/protection-profile.js';
import { toHex } from './rfc-text.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./libsrtp-peer.py', import.meta.url));

function havePylibsrtp(): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', 'import pylibsrtp'], { timeout: 10_000 }).status === 0;
}
const available = havePylibsrtp();
if (!available && process.env.CI === 'true') throw new Error('CI=true but pylibsrtp (python3-pylibsrtp) is not importable by /usr/bin/python3');

type Op = 'protect' | 'unprotect' | 'protect_rtcp' | 'unprotect_rtcp';
function libsrtp(profile: SrtpProtectionProfile, key: Uint8Array, salt: Uint8Array, ops: { op: Op; packets: Uint8Array[] }[]): string[][] {
  const job = { profile, key: toHex(key) + toHex(salt), ops: ops.map((o) => ({ op: o.op, packets: o.packets.map(toHex) })) };
  const r = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(job), encoding: 'utf8', timeout: 20_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`libsrtp peer failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { results: string[][] }).results;
}

/** A deterministic byte stream (xorshift), so every run checks the same packets. */
function bytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** RTP packets of one or two SSRCs through seq 65530 → 65535 → 0 → 9: CSRCs, extensions, sizes. */
function rtpPackets(): Uint8Array[] {
  const packets: Uint8Array[] = [];
  for (let k = 0; k < 16; k++) {
    const seq = (65530 + k) & 0xffff;
    const cc = k % 3 === 1 ? 2 : 0;
    const ext = k % 4 === 2 ? 2 : -1; // header extension with 2 words
    const payload = [0, 1, 17, 160, 1200][k % 5]!;
    const ssrc = k % 5 === 4 ? 0xcafebabe : 0x12345678;
    const header = 12 + 4 * cc + (ext >= 0 ? 4 + 4 * ext : 0);
    const p = bytes(1000 + k, header + payload);
    p[0] = 0x80 | (ext >= 0 ? 0x10 : 0) | cc;
    p[1] = 96 | (k === 3 ? 0x80 : 0);
    p[2] = seq >> 8; p[3] = seq & 0xff;
    p[8] = ssrc >>> 24; p[9] = (ssrc >>> 16) & 0xff; p[10] = (ssrc >>> 8) & 0xff; p[11] = ssrc & 0xff;
    if (ext >= 0) {
      const at = 12 + 4 * cc;
      p[at] = 0xbe; p[at + 1] = 0xde; p[at + 2] = 0; p[at + 3] = ext;
    }
    packets.push(p);
  }
  return packets;
}

/** Compound-looking RTCP: an SR-shaped header with varying lengths, two SSRCs. */
function rtcpPackets(): Uint8Array[] {
  return [28, 8, 52, 100, 28, 1200].map((len, k) => {
    const p = bytes(2000 + k, len);
    p[0] = 0x80; p[1] = 200; p[2] = 0; p[3] = len / 4 - 1;
    const ssrc = k % 2 ? 0x0badf00d : 0x12345678;
    p[4] = ssrc >>> 24; p[5] = (ssrc >>> 16) & 0xff; p[6] = (ssrc >>> 8) & 0xff; p[7] = ssrc & 0xff;
    return p;
  });
}

const profiles: SrtpProtectionProfile[] = [
  'SRTP_AES128_CM_HMAC_SHA1_80',
  'SRTP_AES128_CM_HMAC_SHA1_32',
  'SRTP_AEAD_AES_128_GCM',
  'SRTP_AEAD_AES_256_GCM',
];

describe.skipIf(!available)('interop with libsrtp 2 (pylibsrtp)', () => {
  for (const profile of profiles) {
    it(`${profile}: RTP and RTCP byte-equal both ways, across the ROC rollover`, () => {
      const params = srtpProfileParameters(profile);
      const key = bytes(7, params.keyLength);
      const salt = bytes(8, params.saltLength);
      const rtp = rtpPackets();
      const rtcp = rtcpPackets();

      const sender = new SrtpContext(profile, key, salt);
      const ours = rtp.map((p) => sender.protectRtp(p));
      const oursRtcp = rtcp.map((p) => sender.protectRtcp(p));
      expect(sender.rolloverCounter(0x12345678, 'send')).toBe(1);

      // Delivered to libsrtp reordered across the wrap (within the window).
      const order = [0, 1, 2, 3, 4, 6, 5, 8, 7, 9, 10, 11, 12, 13, 14, 15];
      const [libProt, libUnprot, libProtRtcp, libUnprotRtcp] = libsrtp(profile, key, salt, [
        { op: 'protect', packets: rtp },
        { op: 'unprotect', packets: order.map((i) => ours[i]!) },
        { op: 'protect_rtcp', packets: rtcp },
        { op: 'unprotect_rtcp', packets: oursRtcp },
      ]);

      // Same plaintext, same keys, same index: the same bytes.
      expect(libProt).toEqual(ours.map(toHex));
      expect(libProtRtcp).toEqual(oursRtcp.map(toHex));
      // libsrtp recovers our plaintext.
      expect(libUnprot).toEqual(order.map((i) => toHex(rtp[i]!)));
      expect(libUnprotRtcp).toEqual(rtcp.map(toHex));

      // We recover libsrtp's, also reordered across the wrap.
      const receiver = new SrtpContext(profile, key, salt);
      for (const i of order) {
        expect(toHex(receiver.unprotectRtp(Buffer.from(libProt![i]!, 'hex'))), `packet ${i}`).toBe(toHex(rtp[i]!));
      }
      expect(receiver.rolloverCounter(0x12345678, 'receive')).toBe(1);
      libProtRtcp!.forEach((h, i) => expect(toHex(receiver.unprotectRtcp(Buffer.from(h, 'hex')))).toBe(toHex(rtcp[i]!)));

      // And both refuse the same replays.
      expect(() => receiver.unprotectRtp(Buffer.from(libProt![9]!, 'hex'))).toThrow(/replayed/);
      expect(() => receiver.unprotectRtcp(Buffer.from(libProtRtcp![0]!, 'hex'))).toThrow(/replayed/);
      const [libReplays] = libsrtp(profile, key, salt, [{ op: 'unprotect', packets: [ours[2]!, ours[2]!] }]);
      expect(libReplays![0]).toBe(toHex(rtp[2]!));
      expect(libReplays![1]).toMatch(/^ERR:replay/);
    });

    it(`${profile}: a long stream through two wraps, 1200-byte payloads, each way`, () => {
      const params = srtpProfileParameters(profile);
      const key = bytes(17, params.keyLength);
      const salt = bytes(18, params.saltLength);
      const payload = bytes(3, 1200);
      const rtp: Uint8Array[] = [];
      // Densely through 65535 → 0 (ROC 1), in steps of 10000 (< 2^15) across ROC 1, densely through the next wrap.
      const extended: number[] = [];
      for (let s = 65500; s < 65560; s++) extended.push(s);
      for (let s = 70000; s < 131000; s += 10000) extended.push(s);
      for (let s = 131030; s < 131112; s++) extended.push(s);
      const seqs = extended.map((s) => s & 0xffff);
      for (const seq of seqs) {
        const p = new Uint8Array(12 + 1200);
        p.set([0x80, 111, seq >> 8, seq & 0xff, 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef]);
        p.set(payload, 12);
        rtp.push(p);
      }
      const sender = new SrtpContext(profile, key, salt);
      const ours = rtp.map((p) => sender.protectRtp(p));
      expect(sender.rolloverCounter(0xdeadbeef, 'send')).toBe(2);
      const [libProt, libUnprot] = libsrtp(profile, key, salt, [
        { op: 'protect', packets: rtp },
        { op: 'unprotect', packets: ours },
      ]);
      expect(libProt).toEqual(ours.map(toHex));
      expect(libUnprot).toEqual(rtp.map(toHex));
      const receiver = new SrtpContext(profile, key, salt);
      const out = new Uint8Array(1500);
      libProt!.forEach((h, i) => expect(toHex(receiver.unprotectRtp(Buffer.from(h, 'hex'), out))).toBe(toHex(rtp[i]!)));
      expect(receiver.rolloverCounter(0xdeadbeef, 'receive')).toBe(2);
    });
  }
});
