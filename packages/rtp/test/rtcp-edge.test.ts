import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRtcp, serializeRtcp, serializeRtcpPacket, RtpError, findCname } from '../src/index.js';
import type { RtcpPacket } from '../src/index.js';
import { hex, throwsCode, toHex } from './helpers.js';

describe('RTCP: less common shapes', () => {
  it('SR with a profile-specific extension keeps it', () => {
    const sr: RtcpPacket = { type: 'sr', ssrc: 1, ntpTime: 5n, rtpTimestamp: 6, packetCount: 7, octetCount: 8, reports: [], profileExtension: hex('01020304') };
    expect(parseRtcp(serializeRtcpPacket(sr))).toEqual([sr]);
  });
  it('SDES with several items, PRIV and UTF-8 text; BYE with several sources and a UTF-8 reason', () => {
    const sdes: RtcpPacket = { type: 'sdes', chunks: [{ source: 1, items: [{ type: 1, text: 'user@host' }, { type: 2, text: 'Zoë' }, { type: 8, text: '\u0003abcdata' }] }] };
    const bye: RtcpPacket = { type: 'bye', sources: [1, 2, 3], reason: 'ciao ✓' };
    const parsed = parseRtcp(serializeRtcp([sdes, bye]));
    expect(parsed).toEqual([sdes, bye]);
    expect(findCname(parsed[0] as Extract<RtcpPacket, { type: 'sdes' }>, 1)).toBe('user@host');
    expect(findCname(parsed[0] as Extract<RtcpPacket, { type: 'sdes' }>, 2)).toBeUndefined();
  });
  it('unknown packet types and unknown feedback formats are kept raw and round-trip', () => {
    const packets: RtcpPacket[] = [
      { type: 'unknown', packetType: 195, count: 3, body: hex('0102030405060708') },
      { type: 'feedback', packetType: 205, format: 3, senderSsrc: 1, mediaSsrc: 2, fci: hex('aabbccdd') }, // TMMBR
      { type: 'feedback', packetType: 206, format: 2, senderSsrc: 1, mediaSsrc: 2, fci: hex('11223344') }, // SLI
      { type: 'feedback', packetType: 206, format: 15, senderSsrc: 1, mediaSsrc: 0, fci: hex('41424344') }, // AFB, not REMB
      { type: 'xr', ssrc: 9, blocks: [{ type: 'unknown', blockType: 6, typeSpecific: 0x10, data: hex('0000000100000002') }] },
    ];
    expect(parseRtcp(serializeRtcp(packets))).toEqual(packets);
  });
  it('REMB keeps 18 bits of mantissa', () => {
    const b = serializeRtcpPacket({ type: 'remb', senderSsrc: 1, bitrate: 123_456_789, ssrcs: [1, 2] });
    const [p] = parseRtcp(b) as [Extract<RtcpPacket, { type: 'remb' }>];
    expect(p.bitrate).toBeLessThanOrEqual(123_456_789);
    expect(p.bitrate).toBeGreaterThan(123_456_789 * (1 - 2 ** -17));
    expect(p.ssrcs).toEqual([1, 2]);
  });
  it('report blocks: cumulative lost at the 24-bit limits, fraction lost', () => {
    const rr: RtcpPacket = { type: 'rr', ssrc: 1, reports: [
      { ssrc: 2, fractionLost: 255, cumulativeLost: 0x7fffff, extendedHighestSequence: 0xffffffff, jitter: 1, lastSenderReport: 2, delaySinceLastSenderReport: 3 },
      { ssrc: 3, fractionLost: 0, cumulativeLost: -0x800000, extendedHighestSequence: 0, jitter: 0, lastSenderReport: 0, delaySinceLastSenderReport: 0 },
    ] };
    const b = serializeRtcpPacket(rr);
    expect(toHex(b.subarray(12, 16))).toBe('ff7fffff');
    expect(toHex(b.subarray(36, 40))).toBe('00800000');
    expect(parseRtcp(b)).toEqual([{ ...rr, profileExtension: undefined }]);
    expect(() => serializeRtcpPacket({ ...rr, reports: [{ ...rr.reports[0]!, cumulativeLost: 0x800000 }] })).toThrow(RtpError);
  });
  it('serializers refuse what does not fit', () => {
    expect(() => serializeRtcpPacket({ type: 'app', subtype: 0, ssrc: 1, name: 'TOOLONG', data: new Uint8Array(0) })).toThrow(RtpError);
    expect(() => serializeRtcpPacket({ type: 'app', subtype: 0, ssrc: 1, name: 'ABCD', data: new Uint8Array(3) })).toThrow(RtpError);
    expect(() => serializeRtcpPacket({ type: 'app', subtype: 32, ssrc: 1, name: 'ABCD', data: new Uint8Array(0) })).toThrow(RtpError);
    expect(() => serializeRtcpPacket({ type: 'bye', sources: new Array(32).fill(1) })).toThrow(RtpError);
    expect(() => serializeRtcpPacket({ type: 'sdes', chunks: [{ source: 1, items: [{ type: 1, text: 'x'.repeat(256) }] }] })).toThrow(RtpError);
    expect(() => serializeRtcpPacket({ type: 'nack', senderSsrc: 1, mediaSsrc: 2, lost: [70000] })).toThrow(RtpError);
    expect(() => serializeRtcpPacket({ type: 'unknown', packetType: 199, count: 0, body: new Uint8Array(3) })).toThrow(RtpError);
  });
  it('NACK: duplicates collapse; every lost number comes back', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 60 }), (start, offsets) => {
      const lost = [...new Set(offsets)].sort((a, b) => a - b).map((o) => (start + o) & 0xffff);
      const [p] = parseRtcp(serializeRtcpPacket({ type: 'nack', senderSsrc: 1, mediaSsrc: 2, lost })) as unknown as [{ lost: number[] }];
      expect(p.lost).toEqual(lost);
    }), { seed: 4585, numRuns: 300 });
  });
  it('every packet type meets truncated bodies with RtpError only', () => {
    const all: RtcpPacket[] = [
      { type: 'sr', ssrc: 1, ntpTime: 1n, rtpTimestamp: 2, packetCount: 3, octetCount: 4, reports: [{ ssrc: 2, fractionLost: 1, cumulativeLost: 2, extendedHighestSequence: 3, jitter: 4, lastSenderReport: 5, delaySinceLastSenderReport: 6 }] },
      { type: 'sdes', chunks: [{ source: 1, items: [{ type: 1, text: 'abcdef' }] }] },
      { type: 'bye', sources: [1], reason: 'bye' },
      { type: 'app', subtype: 1, ssrc: 1, name: 'ABCD', data: hex('01020304') },
      { type: 'nack', senderSsrc: 1, mediaSsrc: 2, lost: [1, 3] },
      { type: 'fir', senderSsrc: 1, mediaSsrc: 0, entries: [{ ssrc: 2, sequenceNumber: 1 }] },
      { type: 'remb', senderSsrc: 1, bitrate: 1000, ssrcs: [1] },
      { type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: 0, referenceTime: 1, feedbackPacketCount: 0, packets: [{ sequenceNumber: 0, receiveDelta: 4 }, { sequenceNumber: 1, receiveDelta: 300 }] },
      { type: 'xr', ssrc: 1, blocks: [{ type: 'rrtr', ntpTime: 1n }, { type: 'dlrr', items: [{ ssrc: 1, lastReceiverReport: 2, delaySinceLastReceiverReport: 3 }] }] },
    ];
    for (const p of all) {
      const b = serializeRtcpPacket(p);
      // Shrink the body word by word, keeping the header length consistent so the body parser runs.
      for (let words = (b.length - 4) / 4 - 1; words >= 0; words--) {
        const cut = b.slice(0, 4 + words * 4);
        cut[0] = cut[0]! & ~0x20; // no padding bit
        cut[2] = words >> 8; cut[3] = words & 0xff;
        try { parseRtcp(cut); } catch (e) { expect(e).toBeInstanceOf(RtpError); }
      }
    }
    throwsCode(() => parseRtcp(hex('81c80001' + '00000001')), 'bad-payload');
  });
});
