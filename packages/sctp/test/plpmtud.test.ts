import { describe, expect, it } from 'vitest';
import { ChunkType, decodePacket, packetChecksum } from '../src/index.js';
import { isUnknownChunk } from '../src/chunk.js';
import { PathMtuDiscovery, MAX_PROBES, BLACK_HOLE_TIMEOUTS } from '../src/plpmtud.js';
import { SimNetwork, recorder, seededRandom } from './helpers/sim.js';

function message(seed: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function isProbe(bytes: Uint8Array): boolean {
  const p = decodePacket(bytes);
  return p.chunks.length === 2 && p.chunks[0]!.type === ChunkType.HEARTBEAT && p.chunks[1]!.type === 0x84;
}

/** Two associations over a path that drops packets larger than `limit.value` (changeable). */
function run(opts: object, pathLimit: number | { value: number }) {
  const limit = typeof pathLimit === 'number' ? { value: pathLimit } : pathLimit;
  const ra = recorder();
  const rb = recorder();
  const net = new SimNetwork([ra, rb], {}, opts);
  const sizes: number[] = [];
  const probes: number[] = [];
  net.tap = (bytes, from) => {
    if (isProbe(bytes)) probes.push(bytes.length);
    else if (from === 0) sizes.push(bytes.length);
    return bytes.length > limit.value ? undefined : bytes;
  };
  net.ends[0].connect(net.now);
  expect(net.runUntil(() => net.ends[0].state === 'established' && net.ends[1].state === 'established', 120_000)).toBe(true);
  return { net, a: net.ends[0], b: net.ends[1], ra, rb, sizes, probes };
}

describe('Path MTU Discovery (RFC 8899 §6.2.1)', () => {
  it('is off by default: no probes, no packet above mtu', () => {
    const { net, a, rb, sizes, probes } = run({}, 65535);
    const m = message(1, 300_000);
    a.send(1, 53, m);
    expect(net.runUntil(() => rb.messages.length === 1)).toBe(true);
    net.runUntil(() => false, net.now + 100_000);
    expect(probes).toEqual([]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1200);
    expect(a.pathMtu).toBe(1200);
  });

  it('finds the largest size the path carries, probing with HEARTBEAT + PAD, and fills it with DATA', () => {
    const { net, a, b, rb, sizes, probes } = run({ maxMtu: 9000, pmtuProbeTimeout: 1000 }, 4000);
    expect(net.runUntil(() => a.pathMtu > 3900 && b.pathMtu > 3900, net.now + 600_000)).toBe(true);
    expect(a.pathMtu).toBeLessThanOrEqual(4000);
    // The first size tried is the largest, MAX_PROBES times, before the search goes lower.
    expect(probes.slice(0, MAX_PROBES)).toEqual([9000, 9000, 9000].slice(0, MAX_PROBES));
    expect(probes.every((s) => s % 4 === 0)).toBe(true);
    const m = message(2, 256 * 1024);
    a.send(1, 53, m);
    expect(net.runUntil(() => rb.messages.length === 1)).toBe(true);
    expect(rb.messages[0]!.data).toEqual(m);
    const data = sizes.filter((s) => s > 1200);
    expect(data.length).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(a.pathMtu);
    expect(a.stats.retransmissions).toBe(0);
  });

  it('on a path that carries everything, one probe settles it', () => {
    const { net, a, probes } = run({ maxMtu: 16000, pmtuProbeTimeout: 1000 }, 65535);
    expect(net.runUntil(() => a.pathMtu === 16000, net.now + 10_000)).toBe(true);
    expect(probes.filter((s) => s === 16000).length).toBeGreaterThanOrEqual(1);
  });

  it('builds probes a peer can skip: valid checksum, HEARTBEAT then PAD (upper bits 10), exact size', () => {
    const d = new PathMtuDiscovery(1200, 5000, 1000, seededRandom(3));
    expect(d.probeDue(0)).toBe(5000);
    const bytes = d.probePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: 0x01020304 }, 5000);
    expect(bytes.length).toBe(5000);
    const p = decodePacket(bytes);
    expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(packetChecksum(bytes));
    expect(p.chunks[0]!.type).toBe(ChunkType.HEARTBEAT);
    const pad = p.chunks[1]!;
    expect(isUnknownChunk(pad) && pad.type === 0x84 && (pad.type & 0xc0) === 0x80).toBe(true);
  });

  it('ignores HEARTBEAT ACKs it did not send and probe answers of another size', () => {
    const d = new PathMtuDiscovery(1200, 5000, 1000, seededRandom(3));
    const size = d.probeDue(0)!;
    const probe = decodePacket(d.probePacket({ sourcePort: 1, destinationPort: 1, verificationTag: 1 }, size));
    const info = (probe.chunks[0] as { heartbeatInformation: Uint8Array }).heartbeatInformation.slice();
    const forged = info.slice();
    forged[15]! ^= 1;
    expect(d.onHeartbeatAck(forged)).toBe(true);
    expect(d.mtu).toBe(1200);
    expect(d.onHeartbeatAck(new Uint8Array(8))).toBe(false);
    expect(d.onHeartbeatAck(info)).toBe(true);
    expect(d.mtu).toBe(5000);
    expect(d.done).toBe(true);
  });

  it('black hole (RFC 8899 §4.3): the path shrinks mid-transfer, DATA drops back to the base size and the transfer ends bit-exact', () => {
    const limit = { value: 65535 };
    const { net, a, b, rb, sizes } = run({ maxMtu: 16000, pmtuProbeTimeout: 1000 }, limit);
    expect(net.runUntil(() => a.pathMtu === 16000 && b.pathMtu === 16000, net.now + 10_000)).toBe(true);
    const messages = [message(3, 1_500_000), message(4, 70_000), message(5, 1)];
    for (const m of messages) a.send(1, 53, m);
    // Part of the first message crosses in 16000-byte packets, then the path carries 1200 at most.
    expect(net.runUntil(() => sizes.some((s) => s > 15_000) && rb.messages.length === 0 && net.delivered > 100, net.now + 10_000)).toBe(true);
    limit.value = 1200;
    const t3Before = a.stats.t3Expiries;
    expect(net.runUntil(() => rb.messages.length === messages.length, net.now + 600_000)).toBe(true);
    // Byte comparison through Buffer: toEqual walks megabytes one element at a time.
    expect(rb.messages.map((m, i) => Buffer.compare(m.data, messages[i]!))).toEqual([0, 0, 0]);
    // Detected from consecutive T3-rtx expiries, not from a probe timeout.
    expect(a.stats.t3Expiries - t3Before).toBeGreaterThanOrEqual(BLACK_HOLE_TIMEOUTS);
    expect(a.pathMtu).toBeLessThanOrEqual(1200);
    expect(a.state).toBe('established');
    // The search went on below the size that failed and found nothing larger that fits.
    net.runUntil(() => false, net.now + 120_000);
    expect(a.pathMtu).toBeLessThanOrEqual(1200);
    expect(b.state).toBe('established');
  });

  it('keeps every DATA chunk within the base size, so any of them can be resent after the path shrinks', () => {
    const { net, a, rb } = run({ maxMtu: 16000, pmtuProbeTimeout: 1000 }, 65535);
    expect(net.runUntil(() => a.pathMtu === 16000, net.now + 10_000)).toBe(true);
    const chunkSizes: number[] = [];
    const packetSizes: number[] = [];
    net.tap = (bytes, from) => {
      if (from === 0) {
        const p = decodePacket(bytes);
        const data = p.chunks.filter((c) => c.type === ChunkType.DATA) as Array<{ userData: Uint8Array }>;
        if (data.length > 0) packetSizes.push(bytes.length);
        for (const c of data) chunkSizes.push(c.userData.length);
      }
      return bytes;
    };
    const m = message(6, 500_000);
    a.send(1, 53, m);
    expect(net.runUntil(() => rb.messages.length === 1)).toBe(true);
    expect(Buffer.compare(rb.messages[0]!.data, m)).toBe(0);
    expect(Math.max(...chunkSizes)).toBeLessThanOrEqual(1200 - 12 - 16);
    expect(Math.max(...packetSizes)).toBeGreaterThan(10_000);
  });

  it('onBlackHole drops to the base and searches again only below the size that failed', () => {
    const d = new PathMtuDiscovery(1200, 16000, 1000, seededRandom(4));
    const size = d.probeDue(0)!;
    const probe = decodePacket(d.probePacket({ sourcePort: 1, destinationPort: 1, verificationTag: 1 }, size));
    d.onHeartbeatAck((probe.chunks[0] as { heartbeatInformation: Uint8Array }).heartbeatInformation.slice());
    expect(d.mtu).toBe(16000);
    expect(d.onBlackHole(10)).toBe(true);
    expect(d.mtu).toBe(1200);
    expect(d.blackHoles).toBe(1);
    const next = d.probeDue(10)!;
    expect(next).toBeGreaterThan(1200);
    expect(next).toBeLessThan(16000);
    // At the base already: nothing to drop.
    const e = new PathMtuDiscovery(1200, 16000, 1000, seededRandom(5));
    expect(e.onBlackHole(0)).toBe(false);
  });
});
