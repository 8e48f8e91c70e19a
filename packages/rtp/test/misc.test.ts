import { describe, expect, it } from 'vitest';
import {
  RtpSendStream, RtpReceiveStream, Vp8Packetizer, Vp8Depacketizer, parseRtcp, ReceiverStatistics, NackGenerator, SenderReportGenerator, parseVp8PayloadDescriptor,
  findCname, compactNtp, ntpTimeFromUnixMs, roundTripTimeMs,
} from '../src/index.js';
import type { RtcpPacket } from '../src/index.js';
import { hex } from './helpers.js';

describe('RtpSendStream RTCP handling', () => {
  const make = () => new RtpSendStream({ ssrc: 10, payloadType: 96, clockRate: 90000, packetizer: new Vp8Packetizer(), cname: 'me@x', initialSequenceNumber: 1 });
  it('FIR naming our SSRC asks for a keyframe; FIR or PLI for others does not', () => {
    const s = make();
    expect(s.receiveRtcp([{ type: 'fir', senderSsrc: 1, mediaSsrc: 0, entries: [{ ssrc: 11, sequenceNumber: 1 }] }], 0).keyframeRequested).toBe(false);
    expect(s.receiveRtcp([{ type: 'pli', senderSsrc: 1, mediaSsrc: 11 }], 0).keyframeRequested).toBe(false);
    expect(s.receiveRtcp([{ type: 'fir', senderSsrc: 1, mediaSsrc: 0, entries: [{ ssrc: 10, sequenceNumber: 2 }] }], 0).keyframeRequested).toBe(true);
    expect(s.stats.keyframeRequests).toBe(1);
  });
  it('NACK for another SSRC is ignored; for ours, only packets still held are resent', () => {
    const s = make();
    s.sendFrame(new Uint8Array(3000), 0, 0); // sequence numbers 1, 2, 3
    expect(s.receiveRtcp([{ type: 'nack', senderSsrc: 1, mediaSsrc: 99, lost: [1] }], 5).retransmissions).toEqual([]);
    expect(s.receiveRtcp([{ type: 'nack', senderSsrc: 1, mediaSsrc: 10, lost: [2, 50] }], 5).retransmissions.length).toBe(1);
  });
  it('SR + SDES compound with counts and CNAME; no RTT from a block without LSR', () => {
    const s = make();
    s.sendFrame(new Uint8Array(100), 90000, 0, 1_000);
    const [sr, sdes] = parseRtcp(s.senderReport(1_000 + 500));
    expect(sr).toMatchObject({ type: 'sr', ssrc: 10, packetCount: 1, octetCount: 104, rtpTimestamp: 90000 + 45000 });
    expect(findCname(sdes as Extract<RtcpPacket, { type: 'sdes' }>, 10)).toBe('me@x');
    s.receiveRtcp([{ type: 'rr', ssrc: 1, reports: [{ ssrc: 10, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 1, jitter: 0, lastSenderReport: 0, delaySinceLastSenderReport: 0 }] }], 0);
    expect(s.rttMs).toBeUndefined();
  });
});

describe('RtpReceiveStream receiver reports', () => {
  it('RR alone (reduced-size) by default, RR + SDES CNAME compound with a cname, once per interval', () => {
    for (const cname of [undefined, 'rx@x']) {
      const rx = new RtpReceiveStream({ ssrc: 10, payloadType: 96, clockRate: 90000, depacketizer: new Vp8Depacketizer(), localSsrc: 20, reportIntervalMs: 500, ...(cname ? { cname } : {}) });
      const tx = new RtpSendStream({ ssrc: 10, payloadType: 96, clockRate: 90000, packetizer: new Vp8Packetizer(), cname: 'tx', initialSequenceNumber: 7 });
      for (const d of tx.sendFrame(Uint8Array.of(0x10, 1, 2), 0, 0)) rx.receiveRtp(d, 0);
      expect(rx.poll(100)).toEqual([]);
      const [report] = rx.poll(500).map(parseRtcp);
      expect(report![0]).toMatchObject({ type: 'rr', ssrc: 20, reports: [{ ssrc: 10 }] });
      if (cname) expect(findCname(report![1] as Extract<RtcpPacket, { type: 'sdes' }>, 20)).toBe('rx@x');
      else expect(report!.length).toBe(1);
      expect(rx.poll(600)).toEqual([]);
    }
  });
});

describe('RTCP timing helpers', () => {
  it('compact NTP is the middle 32 bits; RTT subtracts LSR and DLSR', () => {
    expect(compactNtp(0x0123456789abcdefn)).toBe(0x456789ab);
    const sent = 1_790_000_000_000;
    const lsr = compactNtp(ntpTimeFromUnixMs(sent));
    const rtt = roundTripTimeMs({ ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 0, jitter: 0, lastSenderReport: lsr, delaySinceLastSenderReport: 65536 }, sent + 1100);
    expect(rtt).toBeCloseTo(100, 0);
  });
  it('RTP timestamps wrap at 2^32 in the SR mapping', () => {
    const g = new SenderReportGenerator(1, 90000);
    g.onPacketSent(0xffffff00, 10, 0);
    expect(g.senderReport(1000).rtpTimestamp).toBe((0xffffff00 + 90000) >>> 0);
  });
});

describe('ReceiverStatistics details', () => {
  it('duplicates make cumulative lost go negative (RFC 3550 §6.4.1)', () => {
    const s = new ReceiverStatistics(1, 90000);
    for (const seq of [1, 2, 3, 3, 3, 4]) s.onPacket(seq, 0, 0);
    expect(s.cumulativeLost).toBe(-2);
    expect(s.reportBlock(0)).toMatchObject({ cumulativeLost: -2, fractionLost: 0 });
  });
  it('reordering within the misorder window counts, far-off single packets do not', () => {
    const s = new ReceiverStatistics(1, 90000);
    for (const seq of [10, 11, 13, 12, 14]) s.onPacket(seq, 0, 0);
    s.onPacket(30000, 0, 0); // a stray packet: not sequential, so ignored
    expect(s.extendedHighestSequence).toBe(14);
    expect(s.cumulativeLost).toBe(0);
  });
});

describe('NackGenerator details', () => {
  it('reordered packets fill gaps before any NACK is sent', () => {
    const g = new NackGenerator();
    for (const s of [1, 3, 2, 5, 4]) g.onPacket(s);
    expect(g.poll(0, 20)).toEqual({ nack: [], lost: [] });
    expect(g.recovered).toBe(0);
  });
});

describe('VP8 descriptor variants (RFC 7741 §4.2)', () => {
  it('T without K, K without T, L alone', () => {
    const t = parseVp8PayloadDescriptor(hex('9020c0aa'));
    expect([t.temporalLayerId, t.layerSync, t.keyIdx, t.size]).toEqual([3, false, undefined, 3]);
    const k = parseVp8PayloadDescriptor(hex('90101faa'));
    expect([k.temporalLayerId, k.keyIdx, k.size]).toEqual([undefined, 31, 3]);
    const l = parseVp8PayloadDescriptor(hex('904005aa'));
    expect([l.tl0PicIdx, l.pictureId, l.size]).toEqual([5, undefined, 3]);
  });
});
