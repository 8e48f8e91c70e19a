import { describe, expect, it } from 'vitest';
import { Association, ChunkType, InitParameterType, SctpError, decodePacket, encodePacket, packetChecksum, type AssociationOptions } from '../src/index.js';
import { recorder, seededRandom } from './helpers/sim.js';

const checksumOf = (p: Uint8Array) => new DataView(p.buffer, p.byteOffset, p.byteLength).getUint32(8, true);
const firstChunk = (p: Uint8Array) => p[12]!;

/** Two associations wired back to back (no loss); every packet each sends is recorded. */
function pair(a: Partial<AssociationOptions>, b: Partial<AssociationOptions>) {
  const ra = recorder();
  const rb = recorder();
  const ends = [
    new Association({ ...a, handler: ra, random: seededRandom(11) }),
    new Association({ ...b, handler: rb, random: seededRandom(12) }),
  ] as const;
  const sent: [Uint8Array[], Uint8Array[]] = [[], []];
  let now = 0;
  const run = (ms = 1000) => {
    const end = now + ms;
    for (; now <= end; now += 5) {
      for (let moved = true; moved; ) {
        moved = false;
        for (const i of [0, 1] as const) {
          for (let p = ends[i].pollTransmit(now); p !== undefined; p = ends[i].pollTransmit(now)) {
            sent[i].push(p);
            ends[1 - i]!.handlePacket(p, now);
            moved = true;
          }
        }
      }
      for (const e of ends) {
        const t = e.nextTimeout();
        if (t !== undefined && t <= now) e.handleTimeout(now);
      }
    }
  };
  return { a: ends[0], b: ends[1], ra, rb, sent, run, connect: () => ends[0].connect(now) };
}

function message(size: number, seed: number): Uint8Array {
  const m = new Uint8Array(size);
  for (let i = 0; i < size; i++) m[i] = (i * 31 + seed) & 0xff;
  return m;
}

describe('zero checksum (RFC 9653, error detection method 1: SCTP over DTLS)', () => {
  it('both sides announce it: INIT and INIT ACK carry the parameter, established packets go with checksum 0, data arrives intact', () => {
    const t = pair({ zeroChecksum: true }, { zeroChecksum: true });
    t.connect();
    t.run();
    expect(t.a.state).toBe('established');
    expect(t.a.zeroChecksum && t.b.zeroChecksum).toBe(true);
    const init = decodePacket(t.sent[0][0]!);
    const initAck = decodePacket(t.sent[1][0]!);
    expect(init.chunks[0]).toMatchObject({ type: ChunkType.INIT, zeroChecksumEdmid: 1 });
    expect(initAck.chunks[0]).toMatchObject({ type: ChunkType.INIT_ACK, zeroChecksumEdmid: 1 });
    // The handshake's packets keep their CRC32c (INIT, INIT ACK, COOKIE ECHO, COOKIE ACK).
    for (const p of [...t.sent[0].slice(0, 2), ...t.sent[1].slice(0, 2)]) expect(checksumOf(p)).toBe(packetChecksum(p));
    const before = [t.sent[0].length, t.sent[1].length];
    const m = message(100_000, 1);
    t.a.send(1, 53, m);
    t.b.send(1, 53, message(3000, 2));
    t.run();
    expect(Buffer.compare(t.rb.messages[0]!.data, m)).toBe(0);
    expect(t.ra.messages[0]!.data.length).toBe(3000);
    const later = [...t.sent[0].slice(before[0]), ...t.sent[1].slice(before[1])];
    expect(later.length).toBeGreaterThan(10);
    expect(later.every((p) => checksumOf(p) === 0)).toBe(true);
  });

  it('only one side announces it: no agreement, every packet has its CRC32c, both directions work', () => {
    for (const [x, y] of [[true, false], [false, true]] as const) {
      const t = pair({ zeroChecksum: x }, { zeroChecksum: y });
      t.connect();
      t.run();
      expect(t.a.state).toBe('established');
      expect(t.a.zeroChecksum || t.b.zeroChecksum).toBe(false);
      t.a.send(1, 53, message(20_000, 3));
      t.b.send(1, 53, message(20_000, 4));
      t.run();
      expect(t.rb.messages).toHaveLength(1);
      expect(t.ra.messages).toHaveLength(1);
      for (const p of [...t.sent[0], ...t.sent[1]]) expect(checksumOf(p)).toBe(packetChecksum(p));
    }
  });

  it('a receiver that did not announce it drops zero-checksum packets; one that did still drops a wrong non-zero CRC and a zero-checksum INIT', () => {
    const header = { sourcePort: 5000, destinationPort: 5000, verificationTag: 7 };
    const heartbeat = encodePacket(header, [{ type: ChunkType.HEARTBEAT, heartbeatInformation: new Uint8Array(8) }], true);
    expect(checksumOf(heartbeat)).toBe(0);
    expect(() => decodePacket(heartbeat)).toThrow(SctpError);
    expect(decodePacket(heartbeat, true).chunks[0]!.type).toBe(ChunkType.HEARTBEAT);
    const corrupt = encodePacket(header, [{ type: ChunkType.HEARTBEAT, heartbeatInformation: new Uint8Array(8) }]);
    corrupt[8] ^= 1;
    expect(() => decodePacket(corrupt, true)).toThrow(/CRC32c/);
    const init = encodePacket({ ...header, verificationTag: 0 }, [
      { type: ChunkType.INIT, initiateTag: 1, advertisedReceiverWindowCredit: 65536, numberOfOutboundStreams: 1, numberOfInboundStreams: 1, initialTsn: 1 },
    ], true);
    expect(firstChunk(init)).toBe(ChunkType.INIT);
    expect(() => decodePacket(init, true)).toThrow(/CRC32c/);
  });

  it('answers an announcement with another method (EDMID) without agreeing, and rejects a malformed parameter', () => {
    const t = pair({ zeroChecksum: true }, { zeroChecksum: true });
    const b = t.b;
    const init = encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: 0 }, [
      { type: ChunkType.INIT, initiateTag: 9, advertisedReceiverWindowCredit: 65536, numberOfOutboundStreams: 1, numberOfInboundStreams: 1, initialTsn: 1, zeroChecksumEdmid: 2 },
    ]);
    b.handlePacket(init, 0);
    const ack = decodePacket(b.pollTransmit(0)!);
    expect(ack.chunks[0]).toMatchObject({ type: ChunkType.INIT_ACK, zeroChecksumEdmid: 1 });
    // The value is one 32-bit EDMID: any other length is malformed.
    const bad = new Uint8Array(init);
    const view = new DataView(bad.buffer);
    let p = 12 + 20;
    while (view.getUint16(p) !== InitParameterType.ZERO_CHECKSUM_ACCEPTABLE) p += (view.getUint16(p + 2) + 3) & ~3;
    view.setUint16(p + 2, 6);
    view.setUint32(8, packetChecksum(bad), true);
    expect(() => decodePacket(bad)).toThrow(SctpError);
  });
});
