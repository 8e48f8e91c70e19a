import { describe, expect, it } from 'vitest';
import { ChunkType, decodePacket } from '../src/index.js';
import { mulberry32 } from '@x/testing';
import { SimNetwork, recorder } from './helpers/sim.js';

/** Deterministic pseudo-random bytes (xorshift32 per word). */
function message(seed: number, size: number): Uint8Array {
  const words = new Uint32Array((size + 3) >> 2);
  let x = (seed * 2654435761 + 1) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer, 0, size);
}

function connected(link = {}, opts = {}) {
  const ra = recorder();
  const rb = recorder();
  const net = new SimNetwork([ra, rb], link, opts);
  net.ends[0].connect(net.now);
  expect(net.runUntil(() => net.ends[0].state === 'established' && net.ends[1].state === 'established', 120_000)).toBe(true);
  return { net, a: net.ends[0], b: net.ends[1], ra, rb };
}

describe('association handshake (RFC 9260 §5.1)', () => {
  it('four-way handshake: INIT, INIT ACK, COOKIE ECHO, COOKIE ACK with WebRTC parameters', () => {
    const ra = recorder();
    const rb = recorder();
    const net = new SimNetwork([ra, rb]);
    const seen: number[] = [];
    let init: ReturnType<typeof decodePacket> | undefined;
    net.tap = (bytes) => {
      const p = decodePacket(bytes);
      seen.push(p.chunks[0]!.type);
      if (p.chunks[0]!.type === ChunkType.INIT) init = p;
      return bytes;
    };
    net.ends[0].connect(0);
    net.runUntil(() => net.ends[0].state === 'established' && net.ends[1].state === 'established');
    expect(seen.slice(0, 4)).toEqual([ChunkType.INIT, ChunkType.INIT_ACK, ChunkType.COOKIE_ECHO, ChunkType.COOKIE_ACK]);
    expect(ra.states).toEqual(['cookie-wait', 'cookie-echoed', 'established']);
    expect(rb.states).toEqual(['established']);
    const c = init!.chunks[0] as import('../src/index.js').InitChunk;
    expect(init!.verificationTag).toBe(0);
    expect(c.numberOfOutboundStreams).toBe(65535);
    expect(c.numberOfInboundStreams).toBe(65535);
    expect(c.supportedExtensions).toEqual([ChunkType.FORWARD_TSN, ChunkType.RE_CONFIG]);
    expect(c.forwardTsnSupported).toBe(true);
    expect(net.ends[0].peerForwardTsn && net.ends[1].peerForwardTsn).toBe(true);
    expect(net.ends[0].peerReconfig && net.ends[1].peerReconfig).toBe(true);
  });

  it('retransmits INIT and COOKIE ECHO on T1 when they are lost', () => {
    const ra = recorder();
    const rb = recorder();
    const net = new SimNetwork([ra, rb]);
    let dropped = 0;
    net.tap = (bytes) => {
      const t = decodePacket(bytes).chunks[0]!.type;
      if ((t === ChunkType.INIT || t === ChunkType.COOKIE_ECHO) && dropped < 4) {
        dropped++;
        return undefined;
      }
      return bytes;
    };
    net.ends[0].connect(0);
    expect(net.runUntil(() => net.ends[0].state === 'established' && net.ends[1].state === 'established')).toBe(true);
    expect(dropped).toBe(4);
  });

  it('gives up after Max.Init.Retransmits when the peer never answers', () => {
    const ra = recorder();
    const net = new SimNetwork([ra, recorder()], {}, { maxInitRetransmits: 3 });
    net.tap = () => undefined;
    net.ends[0].connect(0);
    net.runUntil(() => net.ends[0].state === 'closed');
    expect(ra.closed).toBe('handshake timed out');
  });

  it('survives an INIT collision (both sides connect, §5.2.1/§5.2.4 D)', () => {
    const ra = recorder();
    const rb = recorder();
    const net = new SimNetwork([ra, rb]);
    net.ends[0].connect(0);
    net.ends[1].connect(0);
    expect(net.runUntil(() => net.ends[0].state === 'established' && net.ends[1].state === 'established')).toBe(true);
    net.ends[0].send(1, 53, new Uint8Array([1, 2, 3]));
    net.ends[1].send(2, 53, new Uint8Array([4]));
    net.runUntil(() => ra.messages.length === 1 && rb.messages.length === 1);
    expect([...rb.messages[0]!.data]).toEqual([1, 2, 3]);
    expect([...ra.messages[0]!.data]).toEqual([4]);
  });
});

describe('handshake races (§5.2)', () => {
  it('both ends connect at any offset over a lossy, reordering, duplicating link: 500 seeded runs all establish and carry data', () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 500; seed++) {
      const r = mulberry32(seed * 13);
      const loss = r() < 0.5 ? 0 : r() * 0.15;
      const delay = 1 + Math.floor(r() * 20);
      // The second end connects up to three one-way delays after the first: before, while or after
      // the first one's INIT reaches it.
      const offset = Math.floor(r() * 3 * delay);
      const first = r() < 0.5 ? 0 : 1;
      const ra = recorder();
      const rb = recorder();
      const net = new SimNetwork([ra, rb], { loss, reorder: r() * 0.5, duplicate: r() * 0.2, delay, seed });
      net.ends[first].connect(0);
      let both = false;
      const established = net.runUntil(() => {
        if (!both && net.now >= offset) {
          both = true;
          // The peer's INIT may have established it already (it answered while closed).
          if (net.ends[1 - first]!.state === 'closed') net.ends[1 - first]!.connect(net.now);
        }
        return both && net.ends[0].state === 'established' && net.ends[1].state === 'established';
      });
      net.ends[0].send(1, 53, new Uint8Array([1]));
      net.ends[1].send(1, 53, new Uint8Array([2]));
      const carried = established && net.runUntil(() => ra.messages.length === 1 && rb.messages.length === 1, net.now + 600_000);
      if (!carried) failures.push(`seed ${seed}: ${net.ends[0].state}/${net.ends[1].state}, closed ${ra.closed}/${rb.closed}`);
    }
    expect(failures).toEqual([]);
  });

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`the peer's INIT arrives before we call connect() (seed ${seed}, jittery link)`, () => {
      const ra = recorder();
      const rb = recorder();
      const net = new SimNetwork([ra, rb], { reorder: 0.5, delay: 5, seed });
      net.ends[0].connect(0);
      // Deliver A's INIT to B while B is still closed, then B connects too.
      net.runUntil(() => net.delivered >= 1);
      net.ends[1].connect(net.now);
      expect(net.runUntil(() => net.ends[0].state === 'established' && net.ends[1].state === 'established', 60_000)).toBe(true);
      net.ends[0].send(1, 53, new Uint8Array([1]));
      net.ends[1].send(1, 53, new Uint8Array([2]));
      expect(net.runUntil(() => ra.messages.length === 1 && rb.messages.length === 1, 60_000)).toBe(true);
    });
  }
});

describe('data transfer', () => {
  it('moves small and large messages in both directions, bit-exact and in order', () => {
    const { net, a, b, ra, rb } = connected();
    const sizes = [1, 100, 1188, 1189, 5000, 65536, 300_000, 1 << 20];
    sizes.forEach((s, i) => a.send(1, 53, message(i, s)));
    sizes.forEach((s, i) => b.send(2, 51, message(100 + i, s)));
    expect(net.runUntil(() => rb.messages.length === sizes.length && ra.messages.length === sizes.length)).toBe(true);
    rb.messages.forEach((m, i) => expect(equal(m.data, message(i, sizes[i]!))).toBe(true));
    ra.messages.forEach((m, i) => expect(equal(m.data, message(100 + i, sizes[i]!))).toBe(true));
    expect(rb.messages.every((m) => m.sid === 1 && m.ppid === 53)).toBe(true);
  });

  it('bundles small messages into one packet up to the MTU', () => {
    const { net, a, rb } = connected();
    const sizes: number[] = [];
    net.tap = (bytes, from) => {
      if (from === 0) sizes.push(bytes.length);
      return bytes;
    };
    for (let i = 0; i < 100; i++) a.send(0, 51, message(i, 20));
    net.runUntil(() => rb.messages.length === 100);
    expect(sizes.every((s) => s <= 1200)).toBe(true);
    // 100 chunks of 36 bytes cannot fit in fewer than 4 packets of 1200; bundling makes it ≤ 5.
    expect(sizes.filter((s) => s > 200).length).toBeLessThanOrEqual(5);
    expect(sizes.filter((s) => s > 200).length).toBeGreaterThanOrEqual(3);
  });

  it('delivers unordered messages without waiting for earlier losses', () => {
    const { net, a, rb } = connected();
    let n = 0;
    net.tap = (bytes, from) => (from === 0 && decodePacket(bytes).chunks.some((c) => c.type === 0) && n++ === 0 ? undefined : bytes);
    a.send(3, 53, new Uint8Array([1]), { unordered: true });
    net.pump();
    a.send(3, 53, new Uint8Array([2]), { unordered: true });
    net.runUntil(() => rb.messages.length === 2);
    expect(rb.messages.map((m) => m.data[0])).toEqual([2, 1]);
    expect(rb.messages.every((m) => m.unordered)).toBe(true);
  });

  it('acknowledges every second packet and otherwise after the delayed-SACK timer', () => {
    const { net, a, rb } = connected();
    const sacks: number[] = [];
    net.tap = (bytes, from) => {
      if (from === 1 && decodePacket(bytes).chunks.some((c) => c.type === ChunkType.SACK)) sacks.push(net.now);
      return bytes;
    };
    const t0 = net.now;
    a.send(0, 53, new Uint8Array(10));
    net.runUntil(() => sacks.length === 1);
    expect(rb.messages.length).toBe(1);
    expect(sacks[0]! - t0).toBeGreaterThanOrEqual(200);
    const before = sacks.length;
    a.send(0, 53, new Uint8Array(2000)); // two packets → immediate SACK on the second
    const t1 = net.now;
    net.runUntil(() => sacks.length > before);
    expect(sacks[before]! - t1).toBeLessThan(200);
  });
});

describe('loss, duplication and reordering', () => {
  const total = (process.env.SCTP_LONG ? 256 : 64) * 1024 * 1024;
  it(`10 % loss, 5 % duplication, 10 % reordering: ${total >> 20} MiB in messages of 1 B … 1 MiB arrive bit-exact and in order`, () => {
    const { net, a, rb, ra } = connected({ loss: 0.1, duplicate: 0.05, reorder: 0.1, seed: 42 });
    const r = mulberry32(7);
    const sizes: number[] = [];
    let sum = 0;
    while (sum < total) {
      const s = Math.max(1, Math.min(1 << 20, Math.floor(Math.exp(r() * Math.log(1 << 20)))));
      sizes.push(s);
      sum += s;
    }
    let next = 0;
    let checked = 0;
    let ok = true;
    // Pace by buffered amount like an application would.
    const feed = () => {
      while (next < sizes.length && a.bufferedAmount(1) < 2 * 1024 * 1024) {
        a.send(1, 53, message(next, sizes[next]!));
        next++;
      }
    };
    rb.onMessage = (sid, _ppid, data) => {
      if (sid !== 1 || data.length !== sizes[checked] || !equal(data, message(checked, sizes[checked]!))) ok = false;
      checked++;
    };
    feed();
    expect(net.runUntil(() => {
      feed();
      return checked === sizes.length;
    }, 24 * 3600_000)).toBe(true);
    expect(ok).toBe(true);
    expect(ra.closed).toBeUndefined();
    expect(a.stats.retransmissions).toBeGreaterThan(0);
    expect(a.stats.fastRetransmits).toBeGreaterThan(0);
  });
});

function equal(x: Uint8Array, y: Uint8Array): boolean {
  return Buffer.compare(x, y) === 0;
}
