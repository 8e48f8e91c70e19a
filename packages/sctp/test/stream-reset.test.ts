import { describe, expect, it } from 'vitest';
import { ChunkType, ReconfigParameterType, decodePacket, type ReconfigChunk } from '../src/index.js';
import { SimNetwork, recorder } from './helpers/sim.js';

function connected(link = {}) {
  const ra = recorder();
  const rb = recorder();
  const net = new SimNetwork([ra, rb], link);
  net.ends[0].connect(net.now);
  expect(net.runUntil(() => net.ends[0].state === 'established' && net.ends[1].state === 'established', 120_000)).toBe(true);
  return { net, a: net.ends[0], b: net.ends[1], ra, rb };
}

describe('stream reset (RFC 6525)', () => {
  it('resets one outgoing stream after its queued data, while another stream keeps flowing', () => {
    const { net, a, ra, rb } = connected({ loss: 0.1, seed: 3 });
    const requests: ReconfigChunk[] = [];
    net.tap = (bytes, from) => {
      for (const c of decodePacket(bytes).chunks) if (from === 0 && c.type === ChunkType.RE_CONFIG) requests.push(c as ReconfigChunk);
      return bytes;
    };
    for (let i = 0; i < 20; i++) {
      a.send(1, 53, new Uint8Array(3000).fill(i));
      a.send(2, 53, new Uint8Array(500).fill(i));
    }
    a.resetStreams([1]);
    for (let i = 20; i < 40; i++) a.send(2, 53, new Uint8Array(500).fill(i));
    expect(net.runUntil(() => ra.outReset.length === 1 && rb.messages.filter((m) => m.sid === 2).length === 40)).toBe(true);
    expect(ra.outReset[0]).toEqual([1]);
    expect(rb.inReset[0]).toEqual([1]);
    // Every stream-1 message sent before the reset arrived, in order, before the reset took effect.
    expect(rb.messages.filter((m) => m.sid === 1).map((m) => m.data[0])).toEqual([...Array(20).keys()]);
    expect(rb.messages.filter((m) => m.sid === 2).map((m) => m.data[0])).toEqual([...Array(40).keys()]);
    const req = requests.flatMap((r) => r.parameters).find((p) => p.type === ReconfigParameterType.OUTGOING_SSN_RESET_REQUEST);
    expect(req).toBeDefined();
    // The stream starts again at SSN 0 on both sides: a new message on stream 1 is delivered.
    a.send(1, 53, new Uint8Array([42]));
    expect(net.runUntil(() => rb.messages.at(-1)?.sid === 1 && rb.messages.at(-1)?.data[0] === 42)).toBe(true);
  });

  it('a lost RE-CONFIG is retransmitted, and a duplicate request is answered without resetting twice', () => {
    const { net, a, ra, rb } = connected();
    let dropped = false;
    let seen = 0;
    net.tap = (bytes, from) => {
      if (from === 0 && decodePacket(bytes).chunks.some((c) => c.type === ChunkType.RE_CONFIG)) {
        seen++;
        if (!dropped) {
          dropped = true;
          return undefined;
        }
      }
      return bytes;
    };
    a.send(5, 51, new Uint8Array([1]));
    a.resetStreams([5]);
    expect(net.runUntil(() => ra.outReset.length === 1)).toBe(true);
    expect(seen).toBe(2);
    expect(rb.inReset).toEqual([[5]]);
  });
});
