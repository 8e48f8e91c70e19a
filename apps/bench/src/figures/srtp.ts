// SRTP protect / unprotect packets/s for 1200-byte payloads: ours beside werift and libsrtp.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { splitKeyingMaterial, srtpKeyingMaterialLength, SrtpSession, type SrtpProtectionProfile } from '@x/srtp';
import { RtpHeader, SrtpSession as WeriftSrtpSession } from 'werift';
import type { BenchRow, Figure } from '../figure.js';

const PAYLOAD = 1200;
const PYTHON = '/usr/bin/python3';
const LIBSRTP_SCRIPT = fileURLToPath(new URL('../../scripts/libsrtp-bench.py', import.meta.url));

interface Rates {
  protect: number;
  unprotect: number;
}

/** How long to measure each number, and how many packets a timed round handles. */
interface Plan {
  seconds: number;
  /** Packets per round (fewer in --quick, so slow anchors still finish a round quickly). */
  ring: number;
}

/**
 * Runs `round` (which handles `ring` packets) for about `seconds` and returns the packets per
 * second of its fastest round: the machine is shared, and the fastest round is the one least
 * disturbed by other work (the same rule as Python's `timeit`; the libsrtp script uses it too).
 */
function rate({ seconds, ring }: Plan, round: () => void): number {
  for (let i = 0; i < 3; i++) round(); // warm-up: JIT tiers and OpenSSL contexts
  let best = 0;
  const start = process.hrtime.bigint();
  let now = start;
  do {
    const t = now;
    round();
    now = process.hrtime.bigint();
    best = Math.max(best, ring / (Number(now - t) / 1e9));
  } while (Number(now - start) / 1e9 < seconds);
  return best;
}

function rtpPacket(seq: number): Uint8Array {
  const p = new Uint8Array(12 + PAYLOAD);
  p.set([0x80, 96, seq >> 8, seq & 0xff, 0, 0, 0, 0, 0, 0, 0, 1]);
  for (let i = 0; i < PAYLOAD; i++) p[12 + i] = i & 0xff;
  return p;
}

function ours(profile: SrtpProtectionProfile, plan: Plan): Rates {
  const ring = plan.ring;
  const material = Uint8Array.from({ length: srtpKeyingMaterialLength(profile) }, (_, i) => (i * 7 + 1) & 0xff);
  const keys = splitKeyingMaterial(profile, material);
  const plain = Array.from({ length: ring }, (_, seq) => rtpPacket(seq));
  const sender = () => new SrtpSession({ profile, keys, role: 'client' });
  const first = sender();
  const protectedPackets = plain.map((p) => first.protectRtp(p));
  // One output buffer reused for every packet: the allocation-free path a transport would use.
  const out = new Uint8Array(1500);
  const protect = rate(plan, () => {
    const tx = sender(); // fresh sender each ring so the index keeps increasing as a real stream's would
    for (let i = 0; i < ring; i++) tx.protectRtp(plain[i]!, out);
  });
  const unprotect = rate(plan, () => {
    const rx = new SrtpSession({ profile, keys, role: 'server' });
    for (let i = 0; i < ring; i++) rx.unprotectRtp(protectedPackets[i]!, out);
  });
  return { protect, unprotect };
}

function werift(profile: SrtpProtectionProfile, plan: Plan): Rates | undefined {
  const ring = plan.ring;
  const id = profile === 'SRTP_AES128_CM_HMAC_SHA1_80' ? 1 : profile === 'SRTP_AEAD_AES_128_GCM' ? 7 : undefined;
  if (id === undefined) return undefined;
  const keyLength = 16;
  const saltLength = id === 1 ? 14 : 12;
  const key = Buffer.from(Array.from({ length: keyLength }, (_, i) => i + 1));
  const salt = Buffer.from(Array.from({ length: saltLength }, (_, i) => i + 100));
  const config = () => ({
    keys: { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt },
    profile: id as 1 | 7,
  });
  const payload = Buffer.from(rtpPacket(0).subarray(12));
  const headers = Array.from({ length: ring }, (_, seq) => new RtpHeader({ payloadType: 96, sequenceNumber: seq, timestamp: 0, ssrc: 1 }));
  const first = new WeriftSrtpSession(config());
  const protectedPackets = headers.map((h) => first.encrypt(payload, h));
  const protect = rate(plan, () => {
    const tx = new WeriftSrtpSession(config());
    for (let i = 0; i < ring; i++) tx.encrypt(payload, headers[i]!);
  });
  const unprotect = rate(plan, () => {
    const rx = new WeriftSrtpSession(config());
    for (let i = 0; i < ring; i++) rx.decrypt(protectedPackets[i]!);
  });
  return { protect, unprotect };
}

function libsrtp(profile: SrtpProtectionProfile, { seconds, ring }: Plan): Rates | undefined {
  if (!existsSync(PYTHON) || !existsSync(LIBSRTP_SCRIPT)) return undefined;
  const r = spawnSync(PYTHON, [LIBSRTP_SCRIPT, profile, String(PAYLOAD), String(seconds), String(ring)], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) {
    process.stderr.write(`bench srtp: libsrtp (pylibsrtp) unavailable: ${r.stderr || r.error?.message}\n`);
    return undefined;
  }
  return JSON.parse(r.stdout) as Rates;
}

const NAMES: Record<string, string> = {
  SRTP_AES128_CM_HMAC_SHA1_80: 'AES_CM_128_HMAC_SHA1_80',
  SRTP_AEAD_AES_128_GCM: 'AEAD_AES_128_GCM',
};

const figure: Figure = async ({ quick }) => {
  const plan: Plan = quick ? { seconds: 0.08, ring: 1024 } : { seconds: 1, ring: 4096 };
  const rows: BenchRow[] = [];
  for (const profile of ['SRTP_AES128_CM_HMAC_SHA1_80', 'SRTP_AEAD_AES_128_GCM'] as const) {
    const a = ours(profile, plan);
    const w = werift(profile, plan);
    const l = libsrtp(profile, plan);
    for (const op of ['protect', 'unprotect'] as const) {
      rows.push({
        figure: `SRTP ${op}, ${NAMES[profile]}, ${PAYLOAD} B`,
        unit: 'packets/s',
        higherIsBetter: true,
        ours: a[op],
        anchors: { werift: w?.[op], libsrtp: l?.[op] },
      });
    }
  }
  return rows;
};

export default figure;
