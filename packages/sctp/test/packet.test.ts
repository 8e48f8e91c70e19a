import { describe, expect, it } from 'vitest';
import { ChunkType, crc32c, decodePacket, encodePacket, type Chunk } from '../src/index.js';

const header = { sourcePort: 5000, destinationPort: 5001, verificationTag: 0xdeadbeef };

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

describe('packet codec (RFC 9260 §3)', () => {
  it('DATA chunk layout: header, flags, TSN, stream, SSN, PPID, padded user data; CRC32c little-endian', () => {
    const p = encodePacket(header, [
      { type: ChunkType.DATA, immediate: true, unordered: true, beginning: true, ending: false, tsn: 0x01020304, streamIdentifier: 0x0506, streamSequenceNumber: 0x0708, payloadProtocolIdentifier: 53, userData: Uint8Array.of(0xaa, 0xbb, 0xcc) },
    ]);
    expect(hex(p.subarray(0, 8))).toBe('13881389deadbeef');
    expect(hex(p.subarray(12))).toBe('000e0013' + '01020304' + '0506' + '0708' + '00000035' + 'aabbcc00');
    const zeroed = p.slice();
    zeroed.fill(0, 8, 12);
    expect(new DataView(p.buffer).getUint32(8, true)).toBe(crc32c(zeroed));
  });

  it('SACK layout with gap blocks and duplicate TSNs', () => {
    const p = encodePacket(header, [
      { type: ChunkType.SACK, cumulativeTsnAck: 100, advertisedReceiverWindowCredit: 65536, gapAckBlocks: [{ start: 2, end: 3 }, { start: 5, end: 9 }], duplicateTsns: [99] },
    ]);
    expect(hex(p.subarray(12))).toBe('0300001c' + '00000064' + '00010000' + '0002' + '0001' + '00020003' + '00050009' + '00000063');
  });

  it('INIT layout with Supported Extensions (padded) and Forward-TSN-Supported', () => {
    const p = encodePacket({ ...header, verificationTag: 0 }, [
      { type: ChunkType.INIT, initiateTag: 0x11223344, advertisedReceiverWindowCredit: 0x00100000, numberOfOutboundStreams: 65535, numberOfInboundStreams: 65535, initialTsn: 7, supportedExtensions: [0xc0, 0x82], forwardTsnSupported: true },
    ]);
    expect(hex(p.subarray(12))).toBe('01000020' + '11223344' + '00100000' + 'ffff' + 'ffff' + '00000007' + '80080006c0820000' + 'c0000004');
  });

  it('every chunk type survives encode → decode', () => {
    const chunks: Chunk[] = [
      { type: ChunkType.DATA, immediate: false, unordered: false, beginning: false, ending: true, tsn: 0xffffffff, streamIdentifier: 65534, streamSequenceNumber: 65535, payloadProtocolIdentifier: 51, userData: new Uint8Array([1, 2, 3, 4, 5]) },
      { type: ChunkType.SACK, cumulativeTsnAck: 1, advertisedReceiverWindowCredit: 2, gapAckBlocks: [], duplicateTsns: [] },
      { type: ChunkType.HEARTBEAT, heartbeatInformation: new Uint8Array([9, 8, 7]) },
      { type: ChunkType.HEARTBEAT_ACK, heartbeatInformation: new Uint8Array(8) },
      { type: ChunkType.SHUTDOWN, cumulativeTsnAck: 42 },
      { type: ChunkType.SHUTDOWN_ACK, reflected: false },
      { type: ChunkType.ERROR, reflected: false, causes: [{ type: 6, value: new Uint8Array([0x7f, 0, 0, 4]) }, { type: 3, value: new Uint8Array([0, 0, 1, 0]) }] },
      { type: ChunkType.COOKIE_ECHO, cookie: new Uint8Array([1, 2, 3, 4, 5, 6, 7]) },
      { type: ChunkType.COOKIE_ACK, reflected: false },
      { type: ChunkType.FORWARD_TSN, newCumulativeTsn: 77, streams: [{ streamIdentifier: 1, streamSequenceNumber: 2 }, { streamIdentifier: 3, streamSequenceNumber: 4 }] },
      { type: ChunkType.RE_CONFIG, parameters: [{ type: 13, requestSequenceNumber: 1, responseSequenceNumber: 2, senderLastAssignedTsn: 3, streams: [4, 5, 6] }, { type: 16, responseSequenceNumber: 9, result: 1 }] },
      { type: ChunkType.RE_CONFIG, parameters: [{ type: 14, requestSequenceNumber: 1, streams: [2] }] },
      { type: ChunkType.RE_CONFIG, parameters: [{ type: 16, responseSequenceNumber: 1, result: 6, senderNextTsn: 5, receiverNextTsn: 6 }] },
      { type: ChunkType.RE_CONFIG, parameters: [{ type: 15, requestSequenceNumber: 3 }, { type: 17, requestSequenceNumber: 4, numberOfNewStreams: 10 }] },
    ];
    const p = decodePacket(encodePacket(header, chunks));
    expect(p).toMatchObject(header);
    expect(p.chunks).toEqual(chunks);
    for (const single of [
      { type: ChunkType.ABORT, reflected: true, causes: [{ type: 12, value: new TextEncoder().encode('bye') }] },
      { type: ChunkType.SHUTDOWN_COMPLETE, reflected: true },
      { type: ChunkType.INIT_ACK, initiateTag: 1, advertisedReceiverWindowCredit: 2, numberOfOutboundStreams: 3, numberOfInboundStreams: 4, initialTsn: 5, stateCookie: new Uint8Array([1, 2, 3, 4, 5]), supportedExtensions: [0xc0], forwardTsnSupported: true, unrecognizedParameters: [new Uint8Array([0xc0, 0x01, 0, 4])] },
    ] as Chunk[]) {
      expect(decodePacket(encodePacket(header, [single])).chunks).toEqual([single]);
    }
  });

  it('INIT parameters: unknown ones are kept, with §3.2.1 stop/skip bits; address parameters ignored', () => {
    const base = [0, 0, 0, 1, 0, 0, 0x10, 0, 0, 10, 0, 10, 0, 0, 0, 1];
    const params = [
      0, 5, 0, 8, 127, 0, 0, 1, // IPv4 address: ignored
      0xc0, 0x07, 0, 5, 1, 0, 0, 0, // unknown, skip + report
      0x00, 0x44, 0, 4, // unknown, stop processing
      0xc0, 0x00, 0, 4, // Forward-TSN-Supported, never reached
    ];
    const body = [...base, ...params];
    const chunk = [1, 0, (4 + body.length) >> 8, (4 + body.length) & 0xff, ...body];
    const b = new Uint8Array(12 + chunk.length);
    b.set(chunk, 12);
    new DataView(b.buffer).setUint32(8, crc32c(b), true);
    const init = decodePacket(b).chunks[0] as import('../src/index.js').InitChunk;
    expect(init.unknownParameters?.map((u) => u.type)).toEqual([0xc007, 0x0044]);
    expect(init.forwardTsnSupported).toBeUndefined();
  });

  it('accepts a last chunk without its padding, as some stacks send', () => {
    const p = encodePacket(header, [{ type: ChunkType.COOKIE_ECHO, cookie: new Uint8Array([1, 2, 3]) }]);
    const cut = p.slice(0, p.length - 1);
    new DataView(cut.buffer).setUint32(8, 0);
    new DataView(cut.buffer).setUint32(8, crc32c(cut), true);
    expect(decodePacket(cut).chunks[0]).toEqual({ type: ChunkType.COOKIE_ECHO, cookie: new Uint8Array([1, 2, 3]) });
  });
});
