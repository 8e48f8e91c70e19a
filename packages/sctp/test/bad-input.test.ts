import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChunkType,
  CauseCode,
  SctpError,
  decodeDcep,
  decodePacket,
  encodePacket,
  packetChecksum,
  type AbortChunk,
  type Chunk,
} from '../src/index.js';
import { SimNetwork, recorder } from './helpers/sim.js';

/** A packet from raw chunk bytes with a correct CRC32c. */
function raw(chunkBytes: number[], tag = 0, ports: [number, number] = [5000, 5000]): Uint8Array {
  const b = new Uint8Array(12 + chunkBytes.length);
  const v = new DataView(b.buffer);
  v.setUint16(0, ports[0]);
  v.setUint16(2, ports[1]);
  v.setUint32(4, tag);
  b.set(chunkBytes, 12);
  v.setUint32(8, packetChecksum(b), true);
  return b;
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof SctpError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('packet parser on bad input', () => {
  it('truncated common header', () => {
    expect(code(() => decodePacket(new Uint8Array(11)))).toBe('truncated');
  });
  it('bad CRC32c', () => {
    const p = raw([11, 0, 0, 4]);
    p[13] ^= 1;
    expect(code(() => decodePacket(p))).toBe('bad-checksum');
  });
  it('no chunks', () => {
    expect(code(() => decodePacket(raw([])))).toBe('truncated');
  });
  it('chunk length below 4', () => {
    expect(code(() => decodePacket(raw([11, 0, 0, 3])))).toBe('invalid-length');
  });
  it('chunk length past the packet', () => {
    expect(code(() => decodePacket(raw([0, 3, 0x40, 0, 1, 2, 3, 4])))).toBe('invalid-length');
  });
  it('stray bytes after the last chunk', () => {
    expect(code(() => decodePacket(raw([11, 0, 0, 4, 1, 2])))).toBe('truncated');
  });
  it('DATA shorter than its header', () => {
    expect(code(() => decodePacket(raw([0, 3, 0, 12, 0, 0, 0, 1, 0, 0, 0, 0])))).toBe('truncated');
  });
  it('SACK whose block counts disagree with its length', () => {
    expect(code(() => decodePacket(raw([3, 0, 0, 16, 0, 0, 0, 1, 0, 1, 0, 0, 0, 5, 0, 0])))).toBe('truncated');
    expect(code(() => decodePacket(raw([3, 0, 0, 20, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4])))).toBe('invalid-length');
  });
  it('INIT shorter than 20 bytes, and an INIT parameter running past the chunk', () => {
    expect(code(() => decodePacket(raw([1, 0, 0, 8, 0, 0, 0, 1])))).toBe('truncated');
    expect(code(() => decodePacket(raw([1, 0, 0, 24, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0x80, 8, 0, 9])))).toBe('invalid-length');
  });
  it('HEARTBEAT without Heartbeat Info', () => {
    expect(code(() => decodePacket(raw([4, 0, 0, 8, 0, 2, 0, 4])))).toBe('invalid-chunk');
  });
  it('FORWARD TSN with a ragged stream list', () => {
    expect(code(() => decodePacket(raw([192, 0, 0, 10, 0, 0, 0, 1, 0, 1, 0, 0])))).toBe('invalid-length');
  });
  it('RE-CONFIG with an unknown or short parameter', () => {
    expect(code(() => decodePacket(raw([130, 0, 0, 12, 0, 99, 0, 8, 0, 0, 0, 1])))).toBe('invalid-parameter');
    expect(code(() => decodePacket(raw([130, 0, 0, 12, 0, 13, 0, 8, 0, 0, 0, 1])))).toBe('truncated');
    expect(code(() => decodePacket(raw([130, 0, 0, 4])))).toBe('invalid-chunk');
  });
  it('SHUTDOWN and COOKIE ACK with the wrong length', () => {
    expect(code(() => decodePacket(raw([7, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 0])))).toBe('invalid-length');
    expect(code(() => decodePacket(raw([11, 0, 0, 8, 0, 0, 0, 0])))).toBe('invalid-length');
  });
  it('unknown chunk types are kept, not rejected', () => {
    const p = decodePacket(raw([0x7f, 5, 0, 6, 1, 2, 0, 0]));
    expect(p.chunks[0]).toMatchObject({ type: 0x7f, unknown: true, flags: 5 });
  });

  it('property: any bytes, and any mutation of valid packets, give a Packet or an SctpError', () => {
    const valid: Chunk[][] = [
      [{ type: ChunkType.DATA, immediate: false, unordered: false, beginning: true, ending: true, tsn: 1, streamIdentifier: 0, streamSequenceNumber: 0, payloadProtocolIdentifier: 51, userData: new Uint8Array([1, 2, 3]) }],
      [{ type: ChunkType.INIT, initiateTag: 5, advertisedReceiverWindowCredit: 1000, numberOfOutboundStreams: 10, numberOfInboundStreams: 10, initialTsn: 7, supportedExtensions: [192, 130], forwardTsnSupported: true }],
      [{ type: ChunkType.SACK, cumulativeTsnAck: 9, advertisedReceiverWindowCredit: 100, gapAckBlocks: [{ start: 2, end: 3 }], duplicateTsns: [4] }],
      [{ type: ChunkType.RE_CONFIG, parameters: [{ type: 13, requestSequenceNumber: 1, responseSequenceNumber: 2, senderLastAssignedTsn: 3, streams: [1, 2] }] }],
      [{ type: ChunkType.FORWARD_TSN, newCumulativeTsn: 3, streams: [{ streamIdentifier: 1, streamSequenceNumber: 2 }] }],
      [{ type: ChunkType.ABORT, reflected: true, causes: [{ type: 12, value: new Uint8Array([65]) }] }, { type: ChunkType.COOKIE_ACK, reflected: false }],
    ];
    const packets = valid.map((chunks) => encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: 1 }, chunks));
    const check = (b: Uint8Array) => {
      try {
        decodePacket(b);
      } catch (e) {
        if (!(e instanceof SctpError)) throw e;
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1500 }), (b) => check(b)), { seed: 0x5c7b, numRuns: 2000 });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: packets.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.nat(64),
        (i, edits, cut) => {
          const b = packets[i]!.slice(0, Math.max(12, packets[i]!.length - cut));
          for (const [at, value] of edits) if (b.length > 12) b[12 + (at % (b.length - 12))] = value;
          new DataView(b.buffer).setUint32(8, packetChecksum(b), true);
          check(b);
        },
      ),
      { seed: 0x5c7c, numRuns: 5000 },
    );
  });

  it('property: DCEP decoding gives a message or an SctpError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (b, open) => {
        if (open && b.length > 0) b[0] = 3;
        try {
          decodeDcep(b);
        } catch (e) {
          if (!(e instanceof SctpError)) throw e;
        }
      }),
      { seed: 0xdcef, numRuns: 3000 },
    );
  });
});

function established() {
  const ra = recorder();
  const rb = recorder();
  const net = new SimNetwork([ra, rb]);
  net.ends[0].connect(0);
  expect(net.runUntil(() => net.ends[0].state === 'established' && net.ends[1].state === 'established')).toBe(true);
  // Learn the tags from the wire.
  let tagToB = 0;
  let tagToA = 0;
  net.tap = (bytes, from) => {
    const t = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4);
    if (from === 0) tagToB = t;
    else tagToA = t;
    return bytes;
  };
  net.ends[0].send(0, 51, new Uint8Array([1]));
  net.ends[1].send(0, 51, new Uint8Array([2]));
  net.runUntil(() => ra.messages.length === 1 && rb.messages.length === 1);
  net.tap = undefined;
  return { net, a: net.ends[0], b: net.ends[1], ra, rb, tagToB, tagToA };
}

function stillWorks(s: ReturnType<typeof established>): void {
  const n = s.rb.messages.length;
  s.a.send(1, 53, new Uint8Array(5000).fill(9));
  expect(s.net.runUntil(() => s.rb.messages.length === n + 1)).toBe(true);
  expect(s.rb.messages.at(-1)!.data.length).toBe(5000);
}

describe('association on bad input', () => {
  it('drops garbage, bad CRCs and wrong verification tags, counts them, and keeps working', () => {
    const s = established();
    const before = s.b.stats.packetsDropped;
    s.net.inject(1, new Uint8Array([1, 2, 3]));
    const bad = raw([11, 0, 0, 4], s.tagToB);
    bad[15] ^= 0xff;
    s.net.inject(1, bad);
    s.net.inject(1, raw([6, 0, 0, 4], s.tagToB ^ 1)); // ABORT with a wrong tag
    s.net.inject(1, raw([6, 1, 0, 4], s.tagToB)); // T-bit ABORT must carry the peer's tag, not ours
    s.net.inject(1, raw([1, 0, 0, 20, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1], 77)); // INIT with a tag
    s.net.inject(1, raw([11, 0, 0, 4], s.tagToB, [5000, 5001])); // wrong port
    expect(s.b.stats.packetsDropped - before).toBe(6);
    expect(s.b.state).toBe('established');
    stillWorks(s);
  });

  it('an ABORT with the right tag closes; a T-bit ABORT with the peer tag closes too', () => {
    const s = established();
    s.net.inject(1, raw([6, 0, 0, 4], s.tagToB));
    expect(s.b.state).toBe('closed');
    expect(s.rb.closed).toMatch(/peer abort/);
    const t = established();
    t.net.inject(1, raw([6, 1, 0, 4], t.tagToA));
    expect(t.b.state).toBe('closed');
  });

  it('a DATA chunk with no user data is answered with ABORT "No User Data" (§6.2)', () => {
    const s = established();
    let abort: AbortChunk | undefined;
    s.net.tap = (bytes, from) => {
      const c = decodePacket(bytes).chunks[0]!;
      if (from === 1 && c.type === ChunkType.ABORT) abort = c as AbortChunk;
      return bytes;
    };
    s.net.inject(1, raw([0, 3, 0, 16, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 51], s.tagToB));
    expect(abort?.causes[0]?.type).toBe(CauseCode.NO_USER_DATA);
    expect(s.b.state).toBe('closed');
  });

  it('an unknown chunk with the report bit gets an ERROR "Unrecognized Chunk Type"; skip bit lets the packet go on', () => {
    const s = established();
    const errors: AbortChunk[] = [];
    s.net.tap = (bytes, from) => {
      for (const c of decodePacket(bytes).chunks) if (from === 1 && c.type === ChunkType.ERROR) errors.push(c as AbortChunk);
      return bytes;
    };
    // 0xC5: skip and report; followed by a HEARTBEAT that must still be answered.
    s.net.inject(1, raw([0xc5, 0, 0, 4, 4, 0, 0, 12, 0, 1, 0, 8, 1, 2, 3, 4], s.tagToB));
    s.net.runUntil(() => errors.length > 0);
    expect(errors[0]!.causes[0]!.type).toBe(CauseCode.UNRECOGNIZED_CHUNK_TYPE);
    stillWorks(s);
  });

  it('a forged or stale COOKIE ECHO does not create an association', () => {
    const rb = recorder();
    const net = new SimNetwork([recorder(), rb], {}, { cookieLifetime: 1000 });
    net.inject(1, raw([10, 0, 0, 72, ...new Array(68).fill(7)], 1234));
    expect(net.ends[1].state).toBe('closed');
    // A real cookie replayed after its lifetime: ERROR "Stale Cookie".
    let cookie: Uint8Array | undefined;
    let tag = 0;
    net.tap = (bytes, from) => {
      const p = decodePacket(bytes);
      if (from === 0 && p.chunks[0]!.type === ChunkType.COOKIE_ECHO) {
        cookie = bytes;
        tag = p.verificationTag;
        return undefined;
      }
      return bytes;
    };
    net.ends[0].connect(0);
    net.runUntil(() => cookie !== undefined);
    net.tap = (bytes, from) => {
      if (from === 1) stale ||= decodePacket(bytes).chunks.some((c) => c.type === ChunkType.ERROR && (c as AbortChunk).causes[0]!.type === CauseCode.STALE_COOKIE_ERROR);
      return bytes;
    };
    let stale = false;
    net.now += 5000;
    net.inject(1, cookie!);
    expect(tag).not.toBe(0);
    expect(stale).toBe(true);
    expect(net.ends[1].state).toBe('closed');
  });

  it('DATA on a stream beyond our inbound streams: acknowledged, ERROR "Invalid Stream Identifier", not delivered (§6.5)', () => {
    const ra = recorder();
    const rb = recorder();
    const net = new SimNetwork([ra, rb], {}, { streams: 10 });
    net.ends[0].connect(0);
    expect(net.runUntil(() => net.ends[1].state === 'established' && net.ends[0].state === 'established')).toBe(true);
    expect(() => net.ends[0].send(10, 53, new Uint8Array(1))).toThrowError(SctpError);
    let tag = 0;
    const errors: AbortChunk[] = [];
    let sackCum = -1;
    net.tap = (bytes, from) => {
      const p = decodePacket(bytes);
      if (from === 0) tag = p.verificationTag;
      for (const c of p.chunks) {
        if (from === 1 && c.type === ChunkType.ERROR) errors.push(c as AbortChunk);
        if (from === 1 && c.type === ChunkType.SACK) sackCum = (c as import('../src/index.js').SackChunk).cumulativeTsnAck;
      }
      return bytes;
    };
    net.ends[0].send(1, 53, new Uint8Array([5]));
    net.runUntil(() => rb.messages.length === 1 && sackCum !== -1);
    const next = (sackCum + 1) >>> 0;
    const tsn = [next >>> 24, (next >>> 16) & 0xff, (next >>> 8) & 0xff, next & 0xff];
    net.inject(1, raw([0, 3, 0, 17, ...tsn, 0, 12, 0, 0, 0, 0, 0, 53, 9, 0, 0, 0], tag));
    net.runUntil(() => errors.length > 0);
    expect(errors[0]!.causes[0]!.type).toBe(CauseCode.INVALID_STREAM_IDENTIFIER);
    expect(rb.messages.length).toBe(1);
    net.runUntil(() => sackCum === next);
    expect(sackCum).toBe(next);
  });

  it('property: mutated packets with valid CRC and tag never throw out of handlePacket', () => {
    const s = established();
    const seeds = [
      [0, 3, 0, 20, 0, 0, 0, 50, 0, 1, 0, 0, 0, 0, 0, 53, 1, 2, 3, 4],
      [3, 0, 0, 24, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 2, 0, 3, 0, 0, 0, 9],
      [192, 0, 0, 12, 0, 0, 1, 0, 0, 1, 0, 5],
      [130, 0, 0, 22, 0, 13, 0, 18, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1],
      [4, 0, 0, 12, 0, 1, 0, 8, 1, 2, 3, 4],
      [7, 0, 0, 8, 0, 0, 0, 1],
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (i, edits) => {
          const bytes = [...seeds[i]!];
          for (const [at, v] of edits) bytes[at % bytes.length] = v;
          s.b.handlePacket(raw(bytes, s.tagToB), s.net.now);
          for (let p = s.b.pollTransmit(s.net.now); p; p = s.b.pollTransmit(s.net.now)) decodePacket(p);
        },
      ),
      { seed: 0xa55, numRuns: 3000 },
    );
  });
});
