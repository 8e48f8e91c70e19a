import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRtcp, serializeRtcp, serializeRtcpPacket, findCname } from '../src/index.js';
import type { RtcpPacket, TransportWideCcFeedback } from '../src/index.js';
import { hex, onlyRtpError, throwsCode, toHex } from './helpers.js';

// Hand-assembled from the RFC figures, field by field.
const SR =
  '81c8000c' + // V=2 RC=1 PT=200 length=12
  '00000001' + // SSRC of sender
  'e5f0e2a18000000' + '0' + // NTP 0xe5f0e2a1.80000000
  '0001e240' + // RTP timestamp 123456
  '00000064' + // packet count 100
  '0000c350' + // octet count 50000
  '00000002' + // report block: SSRC 2
  '40fffffe' + // fraction lost 64/256, cumulative lost -2 (24-bit two's complement)
  '00010005' + // extended highest seq: 1 cycle, seq 5
  '00000010' + // jitter 16
  'f0e2a180' + // LSR
  '00010000'; // DLSR 1 s
const SDES = '81ca0003' + '00000001' + '0103616263' + '000000'; // CNAME "abc", null, pad to 32 bits

describe('RTCP SR, SDES, BYE compound (RFC 3550 §6.4.1, §6.5, §6.6)', () => {
  const bye = '81cb0002' + '00000001' + '03627965';
  const bytes = hex(SR + SDES + bye);
  it('parses each packet and field', () => {
    const [sr, sdes, b] = parseRtcp(bytes);
    expect(sr).toMatchObject({ type: 'sr', ssrc: 1, ntpTime: 0xe5f0e2a180000000n, rtpTimestamp: 123456, packetCount: 100, octetCount: 50000 });
    expect(sr!.type === 'sr' && sr.reports[0]).toEqual({ ssrc: 2, fractionLost: 64, cumulativeLost: -2, extendedHighestSequence: 0x10005, jitter: 16, lastSenderReport: 0xf0e2a180, delaySinceLastSenderReport: 65536 });
    expect(sdes!.type === 'sdes' && findCname(sdes, 1)).toBe('abc');
    expect(b).toEqual({ type: 'bye', sources: [1], reason: 'bye' });
  });
  it('serializes back byte for byte', () => {
    expect(toHex(serializeRtcp(parseRtcp(bytes)))).toBe(toHex(bytes));
  });
  it('BYE without reason, RR with no blocks (RFC 3550 §6.4.2: empty RR)', () => {
    const b = hex('80c9000100000007' + '81cb000100000007');
    expect(parseRtcp(b)).toEqual([{ type: 'rr', ssrc: 7, reports: [], profileExtension: undefined }, { type: 'bye', sources: [7], reason: undefined }]);
    expect(toHex(serializeRtcp(parseRtcp(b)))).toBe(toHex(b));
  });
  it('SDES chunk already 4-aligned gets a full word of nulls', () => {
    const p: RtcpPacket = { type: 'sdes', chunks: [{ source: 9, items: [{ type: 1, text: 'ab' }] }, { source: 10, items: [{ type: 1, text: 'x' }] }] };
    const b = serializeRtcpPacket(p);
    // chunk 1: ssrc + 01 02 'a' 'b' = 8 bytes, then 4 nulls; chunk 2: ssrc + 01 01 'x' + null
    expect(toHex(b)).toBe('82ca0005' + '00000009' + '01026162' + '00000000' + '0000000a' + '01017800');
    expect(parseRtcp(b)).toEqual([p]);
  });
});

describe('APP and XR', () => {
  it('APP (RFC 3550 §6.7)', () => {
    const b = hex('85cc0003' + '0000000b' + '54455354' + '01020304');
    expect(parseRtcp(b)[0]).toMatchObject({ type: 'app', subtype: 5, ssrc: 11, name: 'TEST' });
    expect(toHex(serializeRtcp(parseRtcp(b)))).toBe(toHex(b));
  });
  it('XR RRTR and DLRR (RFC 3611 §4.4, §4.5)', () => {
    const b = hex('80cf0008' + '00000001' + '04000002' + 'e5f0e2a180000000' + '05000003' + '00000002' + 'e2a18000' + '00008000');
    const [xr] = parseRtcp(b);
    expect(xr).toEqual({ type: 'xr', ssrc: 1, blocks: [{ type: 'rrtr', ntpTime: 0xe5f0e2a180000000n }, { type: 'dlrr', items: [{ ssrc: 2, lastReceiverReport: 0xe2a18000, delaySinceLastReceiverReport: 0x8000 }] }] });
    expect(toHex(serializeRtcp([xr!]))).toBe(toHex(b));
  });
});

describe('feedback (RFC 4585, RFC 5104, REMB) in reduced-size form (RFC 5506)', () => {
  it('generic NACK: PID and BLP (RFC 4585 §6.2.1)', () => {
    // PID 100, BLP bits 0 and 2 → lost 100, 101, 103
    const b = hex('81cd0003' + '00000001' + '00000002' + '00640005');
    expect(parseRtcp(b)).toEqual([{ type: 'nack', senderSsrc: 1, mediaSsrc: 2, lost: [100, 101, 103] }]);
    expect(toHex(serializeRtcp(parseRtcp(b)))).toBe(toHex(b));
  });
  it('NACK packing across the 16-bit wrap and beyond a BLP window', () => {
    const p: RtcpPacket = { type: 'nack', senderSsrc: 1, mediaSsrc: 2, lost: [65534, 65535, 0, 15, 40] };
    const b = serializeRtcpPacket(p);
    expect(toHex(b.subarray(12))).toBe('fffe0003' + '000f0000' + '00280000');
    expect((parseRtcp(b)[0] as { lost: number[] }).lost).toEqual([65534, 65535, 0, 15, 40]);
  });
  it('PLI (RFC 4585 §6.3.1)', () => {
    const b = hex('81ce0002' + '00000001' + '00000002');
    expect(parseRtcp(b)).toEqual([{ type: 'pli', senderSsrc: 1, mediaSsrc: 2 }]);
    expect(toHex(serializeRtcp(parseRtcp(b)))).toBe(toHex(b));
  });
  it('FIR (RFC 5104 §4.3.1)', () => {
    const b = hex('84ce0004' + '00000001' + '00000000' + '00000002' + '07000000');
    expect(parseRtcp(b)).toEqual([{ type: 'fir', senderSsrc: 1, mediaSsrc: 0, entries: [{ ssrc: 2, sequenceNumber: 7 }] }]);
    expect(toHex(serializeRtcp(parseRtcp(b)))).toBe(toHex(b));
  });
  it('REMB: exp and mantissa (draft-alvestrand-rmcat-remb-03 §2.2)', () => {
    // 1 SSRC, exp 4, mantissa 0x3d090 → 250000*16 = 4 000 000 bps
    const b = hex('8fce0005' + '00000001' + '00000000' + '52454d42' + '0113d090' + '00000002');
    expect(parseRtcp(b)).toEqual([{ type: 'remb', senderSsrc: 1, bitrate: 0x3d090 * 16, ssrcs: [2] }]);
    expect(toHex(serializeRtcp(parseRtcp(b)))).toBe(toHex(b));
  });
});

describe('transport-wide CC feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1)', () => {
  it('run-length chunk, small and large deltas, padding', () => {
    // base 10, 3 packets: run-length chunk of 2 small (0x2002), then 1-bit vector... built by hand:
    // chunks: 0x2002 (run of 2 "small delta"), 0xc800? no: one 2-bit vector with 1 large = 1 10 000000000000 = 0xe000? see below
    // Use two chunks: run-length small ×2 = 0x2002; run-length large ×1 = 0x4001.
    const body = '00000001' + '00000002' + '000a0003' + 'fffffe05' + '2002' + '4001' + '04' + 'ff' + 'fc18';
    // 16 + 4 + 4 = 24 bytes body → no padding needed: length = 24/4 = 6
    const b = hex('8fcd0006' + body);
    const [p] = parseRtcp(b) as [TransportWideCcFeedback];
    expect(p).toEqual({
      type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: 10, referenceTime: -2, feedbackPacketCount: 5,
      packets: [{ sequenceNumber: 10, receiveDelta: 4 }, { sequenceNumber: 11, receiveDelta: 255 }, { sequenceNumber: 12, receiveDelta: -1000 }],
    });
    // Our encoder packs the three into one two-bit vector (11 01 01 10 0…) instead of two runs: one
    // chunk fewer; 22 bytes of body, so two octets of RTCP padding.
    expect(toHex(serializeRtcp([p]))).toBe('afcd0006' + body.slice(0, 32) + 'd600' + '04fffc18' + '0002');
    expect(parseRtcp(serializeRtcp([p]))).toEqual([p]);
  });
  it('status vector chunks: one-bit and two-bit symbols', () => {
    // 14 packets, received pattern 1010... → one-bit vector 0b1_0_10101010101010 = 0xaaaa
    const packets = Array.from({ length: 14 }, (_, i) => ({ sequenceNumber: 65530 + i & 0xffff, receiveDelta: i % 2 === 0 ? 1 : null }));
    const fb: TransportWideCcFeedback = { type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: 65530, referenceTime: 100, feedbackPacketCount: 0, packets };
    const b = serializeRtcpPacket(fb);
    expect(toHex(b.subarray(20, 22))).toBe('aaaa');
    expect(b[0]! & 0x20).toBe(0x20); // 16 + 2 + 7 = 25 bytes of body → padded with the P bit
    expect(parseRtcp(b)).toEqual([fb]);
    // a large delta forces two-bit vectors: 1 1 | 10 01 00 01 01 01 01 (large, small, lost, small ×4)
    const fb2: TransportWideCcFeedback = { ...fb, packets: [-5, 3, null, 1, 1, 1, 1].map((d, i) => ({ sequenceNumber: i, receiveDelta: d })), baseSequenceNumber: 0 };
    const b2 = serializeRtcpPacket(fb2);
    expect(toHex(b2.subarray(20, 22))).toBe((0xc000 | (2 << 12) | (1 << 10) | (0 << 8) | (1 << 6) | (1 << 4) | (1 << 2) | 1).toString(16));
    expect(parseRtcp(b2)).toEqual([fb2]);
  });
  it('long runs use run-length chunks', () => {
    const packets = Array.from({ length: 300 }, (_, i) => ({ sequenceNumber: i, receiveDelta: i < 200 ? null : 2 }));
    const fb: TransportWideCcFeedback = { type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: 0, referenceTime: 0, feedbackPacketCount: 1, packets };
    const b = serializeRtcpPacket(fb);
    expect(toHex(b.subarray(20, 24))).toBe((200).toString(16).padStart(4, '0') + (0x2000 | 100).toString(16));
    expect(parseRtcp(b)).toEqual([fb]);
  });
  it('property: any feedback round-trips', () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 255 }), fc.integer({ min: -32768, max: 32767 })), { minLength: 1, maxLength: 120 }),
      fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: -0x800000, max: 0x7fffff }),
      (deltas, base, ref) => {
        const fb: TransportWideCcFeedback = { type: 'twcc', senderSsrc: 3, mediaSsrc: 4, baseSequenceNumber: base, referenceTime: ref, feedbackPacketCount: 9, packets: deltas.map((d, i) => ({ sequenceNumber: (base + i) & 0xffff, receiveDelta: d })) };
        expect(parseRtcp(serializeRtcpPacket(fb))).toEqual([fb]);
      }), { seed: 15, numRuns: 300 });
  });
});

describe('bad RTCP input', () => {
  it('empty, short header, wrong version', () => {
    throwsCode(() => parseRtcp(new Uint8Array(0)), 'truncated');
    throwsCode(() => parseRtcp(hex('81c8')), 'truncated');
    throwsCode(() => parseRtcp(hex('41c80000')), 'bad-version');
  });
  it('length past the end, and a second packet cut short', () => {
    throwsCode(() => parseRtcp(hex('81c8000c00000001')), 'bad-length');
    throwsCode(() => parseRtcp(hex('80c9000100000007' + '80c9')), 'truncated');
  });
  it('bad padding', () => {
    throwsCode(() => parseRtcp(hex('a0c9000100000000')), 'bad-padding');
    throwsCode(() => parseRtcp(hex('a0c9000100000009')), 'bad-padding');
  });
  it('bodies too short for their counts', () => {
    throwsCode(() => parseRtcp(hex('81c9000100000007')), 'bad-payload'); // RR claims 1 block
    throwsCode(() => parseRtcp(hex('a1cd0003' + '00000001' + '00000002' + '00000002')), 'bad-payload'); // NACK FCI of 2 bytes
    throwsCode(() => parseRtcp(hex('81ca000100000001')), 'bad-payload'); // SDES without terminator
    throwsCode(() => parseRtcp(hex('8fcd0004' + '00000001' + '00000002' + '000a0010' + '00000000')), 'bad-payload'); // twcc chunks missing
  });
  it('fast-check: garbage gives packets or an RtpError, never another error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 192, max: 210 }), (b, pt) => {
      if (b.length >= 4) {
        b[0] = (b[0]! & 0x3f) | 0x80;
        b[1] = pt;
        const words = Math.floor(b.length / 4) - 1;
        if (b[2]! & 1) { b[2] = words >> 8; b[3] = words & 0xff; } // half the time a consistent length
      }
      onlyRtpError(() => parseRtcp(b));
    }), { seed: 4585, numRuns: 10000 });
  });
});
