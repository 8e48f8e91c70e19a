import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  JitterBuffer, Vp8Depacketizer, H264Depacketizer, Av1Depacketizer, OpusDepacketizer, SendSideBandwidthEstimator,
  NackGenerator, ReceiverStatistics, TransportWideCcRecorder, parseRtcp, serializeRtcp,
} from '../src/index.js';
import type { RtpPacket, TransportWideCcFeedback } from '../src/index.js';

const packet: fc.Arbitrary<RtpPacket> = fc.record({
  marker: fc.boolean(),
  payloadType: fc.constant(96),
  sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
  timestamp: fc.integer({ min: 0, max: 0xffffffff }),
  ssrc: fc.constant(1),
  csrcs: fc.constant([] as number[]),
  extensions: fc.constant([] as RtpPacket['extensions']),
  payload: fc.uint8Array({ maxLength: 40 }),
  paddingSize: fc.constant(0),
});

describe('sans-IO cores under arbitrary input', () => {
  it('JitterBuffer: never throws, stays within capacity, one payload per packet in every frame', () => {
    for (const [video, depacketizer] of [[true, new Vp8Depacketizer()], [true, new H264Depacketizer()], [true, new Av1Depacketizer()], [false, new OpusDepacketizer()]] as const) {
      fc.assert(fc.property(fc.array(packet, { maxLength: 200 }), fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }), (packets, lost) => {
        const jb = new JitterBuffer({ depacketizer, video, capacity: 64 });
        packets.forEach((p, i) => {
          jb.insert(p);
          if (i % 10 === 0) jb.markLost(lost);
          if (i % 7 === 0) jb.missing();
          for (let f = jb.pop(); f; f = jb.pop()) {
            expect(f.payloads.length).toBe(f.packets.length);
          }
          expect(jb.size).toBeLessThanOrEqual(64);
        });
      }), { seed: 512, numRuns: 150 });
    }
  });
  it('SendSideBandwidthEstimator: arbitrary feedback never throws; the target stays finite and within bounds', () => {
    const status = fc.oneof(fc.constant(null), fc.integer({ min: -32768, max: 32767 }));
    const feedback = fc.record({
      base: fc.integer({ min: 0, max: 0xffff }),
      ref: fc.integer({ min: -0x800000, max: 0x7fffff }),
      deltas: fc.array(status, { maxLength: 50 }),
      at: fc.integer({ min: 0, max: 1_000_000 }),
    });
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 100 }), fc.array(feedback, { maxLength: 20 }), (sent, fbs) => {
      const bwe = new SendSideBandwidthEstimator({ startBitrate: 300_000, minBitrate: 30_000, maxBitrate: 5_000_000 });
      sent.forEach((s, i) => bwe.onPacketSent(s, 1200, i));
      let now = 0;
      for (const f of fbs) {
        now += f.at % 1000;
        const fb: TransportWideCcFeedback = { type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: f.base, referenceTime: f.ref, feedbackPacketCount: 0, packets: f.deltas.map((d, i) => ({ sequenceNumber: (f.base + i) & 0xffff, receiveDelta: d })) };
        bwe.onTransportFeedback(fb, now);
        const t = bwe.targetBitrate;
        expect(Number.isFinite(t)).toBe(true);
        expect(t).toBeGreaterThanOrEqual(30_000);
        expect(t).toBeLessThanOrEqual(5_000_000);
      }
    }), { seed: 2, numRuns: 200 });
  });
  it('NackGenerator, ReceiverStatistics, TransportWideCcRecorder: arbitrary sequence numbers and times', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.double({ min: 0, max: 1e7, noNaN: true })), { maxLength: 200 }), (events) => {
      const nack = new NackGenerator({ maxMissing: 100 });
      const stats = new ReceiverStatistics(1, 90000);
      const rec = new TransportWideCcRecorder({ senderSsrc: 1, mediaSsrc: 2, maxPacketsPerFeedback: 50 });
      let now = 0;
      for (const [seq, ts, t] of events) {
        now += t % 100;
        nack.onPacket(seq);
        stats.onPacket(seq, ts, now);
        rec.onPacket(seq, now);
        const d = nack.poll(now, 50);
        expect(d.nack.every((s) => s >= 0 && s <= 0xffff)).toBe(true);
        expect(nack.pending.length).toBeLessThanOrEqual(100);
      }
      const block = stats.reportBlock(now);
      expect(block.fractionLost).toBeGreaterThanOrEqual(0);
      expect(block.fractionLost).toBeLessThanOrEqual(255);
      expect(Number.isInteger(block.jitter)).toBe(true);
      for (const fb of rec.buildFeedback()) {
        const leadingLosses = fb.packets.findIndex((x) => x.receiveDelta !== null);
        expect(leadingLosses).toBeGreaterThanOrEqual(0); // every feedback reports a received packet
        expect(fb.packets.length - leadingLosses).toBeLessThanOrEqual(50);
        expect(parseRtcp(serializeRtcp([fb]))).toEqual([fb]);
      }
    }), { seed: 3, numRuns: 200 });
  });
});
