import { describe, expect, it } from 'vitest';
import { ChunkType, decodePacket, encodePacket, type InitChunk } from '../src/index.js';
import { SimNetwork, recorder } from './helpers/sim.js';

function connected(link = {}) {
  const ra = recorder();
  const rb = recorder();
  const net = new SimNetwork([ra, rb], link);
  net.ends[0].connect(net.now);
  expect(net.runUntil(() => net.ends[0].state === 'established' && net.ends[1].state === 'established', 120_000)).toBe(true);
  return { net, a: net.ends[0], b: net.ends[1], ra, rb };
}

/** Message i carries its index in its first 4 bytes. */
function numbered(i: number, size: number): Uint8Array {
  const b = new Uint8Array(size).fill(i & 0xff);
  new DataView(b.buffer).setUint32(0, i);
  return b;
}

function index(d: Uint8Array): number {
  return new DataView(d.buffer, d.byteOffset, d.byteLength).getUint32(0);
}

function intact(d: Uint8Array): boolean {
  const i = index(d);
  for (let k = 4; k < d.length; k++) if (d[k] !== (i & 0xff)) return false;
  return true;
}

describe('partial reliability (RFC 3758)', () => {
  for (const unordered of [false, true]) {
    it(`maxRetransmits 0, ${unordered ? 'unordered' : 'ordered'}, 20 % loss: delivered ⊂ sent, abandoned never delivered, association healthy`, () => {
      const { net, a, ra, rb } = connected({ loss: 0.2, reorder: 0.05, seed: unordered ? 5 : 6 });
      let forwards = 0;
      net.tap = (bytes, from) => {
        if (from === 0 && decodePacket(bytes).chunks.some((c) => c.type === ChunkType.FORWARD_TSN)) forwards++;
        return bytes;
      };
      const N = 400;
      for (let i = 0; i < N; i++) a.send(7, 53, numbered(i, i % 3 === 0 ? 3000 : 200), { maxRetransmits: 0, unordered });
      net.runUntil(() => net.ends[0].nextTimeout() === undefined || (a as unknown as { rq: { allAcked: boolean } }).rq.allAcked && a.sendQueueEmpty, 600_000);
      net.runUntil(() => false, net.now + 5_000);
      const got = rb.messages.map((m) => index(m.data));
      expect(got.length).toBeGreaterThan(N / 3);
      expect(got.length).toBeLessThan(N);
      expect(new Set(got).size).toBe(got.length);
      expect(rb.messages.every((m) => intact(m.data))).toBe(true);
      if (!unordered) expect(got).toEqual([...got].sort((x, y) => x - y));
      expect(forwards).toBeGreaterThan(0);
      expect(a.stats.retransmissions).toBe(0);
      // Still healthy: a reliable message afterwards arrives.
      const before = rb.messages.length;
      a.send(7, 53, numbered(9999, 5000));
      expect(net.runUntil(() => rb.messages.length === before + 1)).toBe(true);
      expect(index(rb.messages.at(-1)!.data)).toBe(9999);
      expect(ra.closed).toBeUndefined();
    });
  }

  it('maxPacketLifeTime: messages past their lifetime are abandoned, the rest arrive in order', () => {
    const { net, a, rb } = connected({ loss: 0.15, seed: 9, delay: 20 });
    const N = 300;
    for (let i = 0; i < N; i++) a.send(3, 53, numbered(i, 1000), { maxPacketLifeTime: 150 });
    net.runUntil(() => false, net.now + 20_000);
    const got = rb.messages.map((m) => index(m.data));
    expect(got.length).toBeGreaterThan(10);
    expect(got.length).toBeLessThan(N);
    expect(got).toEqual([...got].sort((x, y) => x - y));
    expect(rb.messages.every((m) => intact(m.data))).toBe(true);
    const before = rb.messages.length;
    a.send(3, 53, numbered(5000, 10));
    expect(net.runUntil(() => rb.messages.length === before + 1)).toBe(true);
  });

  it('a message that expires before it leaves is never sent', () => {
    const { net, a, rb } = connected({ delay: 10 });
    a.send(1, 53, numbered(1, 10), { maxPacketLifeTime: 0 });
    a.send(1, 53, numbered(2, 10));
    net.runUntil(() => rb.messages.length === 1);
    net.runUntil(() => false, net.now + 1000);
    expect(rb.messages.map((m) => index(m.data))).toEqual([2]);
  });

  it('a peer without FORWARD TSN support gets every message: PR options fall back to reliable', () => {
    const ra = recorder();
    const rb = recorder();
    const net = new SimNetwork([ra, rb], { loss: 0.1, seed: 12 });
    // Strip Forward-TSN-Supported and the Supported Extensions from B's INIT ACK.
    net.tap = (bytes, from) => {
      const p = decodePacket(bytes);
      const c = p.chunks[0] as InitChunk;
      if (from === 1 && c.type === ChunkType.INIT_ACK) {
        const { forwardTsnSupported: _f, supportedExtensions: _s, ...rest } = c;
        return encodePacket(p, [rest as InitChunk]);
      }
      return bytes;
    };
    net.ends[0].connect(0);
    expect(net.runUntil(() => net.ends[0].state === 'established' && net.ends[1].state === 'established', 120_000)).toBe(true);
    expect(net.ends[0].peerForwardTsn).toBe(false);
    for (let i = 0; i < 100; i++) net.ends[0].send(1, 53, numbered(i, 500), { maxRetransmits: 0 });
    expect(net.runUntil(() => rb.messages.length === 100)).toBe(true);
    expect(rb.messages.map((m) => index(m.data))).toEqual([...Array(100).keys()]);
  });
});
