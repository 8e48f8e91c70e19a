import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  RtpSendStream, RtpReceiveStream, Vp8Packetizer, Vp8Depacketizer, parseRtcp, parseRtpPacket,
  SendSideBandwidthEstimator, TransportWideCcRecorder, parseTransportWideSequenceNumber, getRtpExtension, serializeRtcp,
  OpusPacketizer, OpusDepacketizer, serializeRtpPacket,
} from '../src/index.js';
import { readIvf, readOpusPackets, vector } from './containers.js';
import { toHex } from './helpers.js';
import { mulberry32 } from '@x/testing';

const UNIX0 = 1_790_000_000_000;

describe('RtpSendStream ↔ RtpReceiveStream over a lossy link (VP8, RTX, NACK, PLI, RR/SR)', () => {
  it('recovers from 5 % loss, asks for a keyframe after an unrecoverable loss, and gets on again', () => {
    const clip = readIvf(vector('vp8.ivf')).frames; // keyframes at 0 and 6
    // The "encoder" makes keyframes only when asked: it cycles over the delta frames otherwise.
    const deltas = [1, 2, 3, 4, 5, 7, 8, 9, 10, 11];
    const rand = mulberry32(7);
    const sender = new RtpSendStream({
      ssrc: 0x1111, payloadType: 96, clockRate: 90000, packetizer: new Vp8Packetizer(), cname: 'x@test',
      rtx: { ssrc: 0x2222, payloadType: 97 }, extensions: [{ id: 1, value: new TextEncoder().encode('0') }], initialSequenceNumber: 65000,
    });
    const receiver = new RtpReceiveStream({
      ssrc: 0x1111, payloadType: 96, clockRate: 90000, depacketizer: new Vp8Depacketizer(), localSsrc: 0x3333, rtx: { ssrc: 0x2222, payloadType: 97 },
    });
    const toReceiver: { at: number; bytes: Uint8Array; rtcp: boolean }[] = [];
    const toSender: { at: number; bytes: Uint8Array }[] = [];
    const sentByTimestamp = new Map<number, Uint8Array>();
    let blackhole: number | undefined; // a sequence number the link always drops, even retransmitted
    let clipIndex = 0;
    let frameCount = 0;
    let keyframeAsked = 0;
    const link = (bytes: Uint8Array, now: number, rtcp = false) => {
      if (!rtcp) {
        const p = parseRtpPacket(bytes);
        const osn = p.payloadType === 97 ? (p.payload[0]! << 8) | p.payload[1]! : p.sequenceNumber;
        if (osn === blackhole) return;
        if (frameCount > 1 && rand() < 0.05) return;
      }
      toReceiver.push({ at: now + 20, bytes, rtcp });
    };
    for (let now = 0; now < 8000; now++) {
      if (now % 66 === 0 && frameCount < 100) {
        const frame = clip[clipIndex]!;
        const ts = frameCount * 6000;
        sentByTimestamp.set(ts, frame);
        const datagrams = sender.sendFrame(frame, ts, now, UNIX0 + now);
        if (frameCount === 20) blackhole = parseRtpPacket(datagrams[0]!).sequenceNumber; // frame 20 can never complete
        for (const d of datagrams) link(d, now);
        frameCount++;
        clipIndex = deltas[frameCount % deltas.length]!;
      }
      if (now % 1000 === 500) link(sender.senderReport(UNIX0 + now), now, true);
      if (now === 300) toReceiver.push({ at: now, bytes: new Uint8Array([0x80, 0x60, 1]), rtcp: false }); // garbage
      for (let i = 0; i < toReceiver.length;) {
        const item = toReceiver[i]!;
        if (item.at > now) { i++; continue; }
        toReceiver.splice(i, 1);
        if (item.rtcp) receiver.receiveRtcp(parseRtcp(item.bytes), now);
        else receiver.receiveRtp(item.bytes, now);
      }
      for (const d of receiver.poll(now, 40)) toSender.push({ at: now + 20, bytes: d });
      for (let i = 0; i < toSender.length;) {
        const item = toSender[i]!;
        if (item.at > now) { i++; continue; }
        toSender.splice(i, 1);
        const reaction = sender.receiveRtcp(parseRtcp(item.bytes), now, UNIX0 + now);
        for (const r of reaction.retransmissions) link(r, now);
        if (reaction.keyframeRequested) {
          keyframeAsked++;
          clipIndex = 6; // the "encoder" makes a keyframe next
        }
      }
    }
    const frames = receiver.takeFrames();
    // Every frame that came out is exactly the frame sent with that timestamp.
    for (const f of frames) expect(toHex(f.data)).toBe(toHex(sentByTimestamp.get(f.timestamp)!));
    const timestamps = frames.map((f) => f.timestamp / 6000);
    // Frames before the black hole all arrived; frame 20 never did; delivery resumed at a keyframe.
    for (let n = 0; n < 20; n++) expect(timestamps).toContain(n);
    expect(timestamps).not.toContain(20);
    const resumed = frames.find((f) => f.timestamp / 6000 > 20)!;
    expect(resumed.keyframe).toBe(true);
    expect(timestamps[timestamps.length - 1]).toBe(99);
    expect(frames.length).toBeGreaterThan(80);
    expect(receiver.stats).toMatchObject({ malformed: 1, foreign: 0, undecodable: 0 });
    expect(receiver.stats.plisSent).toBeGreaterThanOrEqual(1);
    expect(keyframeAsked).toBeGreaterThanOrEqual(1);
    expect(sender.stats.retransmissions).toBeGreaterThan(0);
    expect(receiver.stats.retransmissionsReceived).toBeGreaterThan(0);
    // RTT from LSR/DLSR in the receiver's RR: 20 ms each way.
    expect(sender.rttMs).toBeGreaterThan(38);
    expect(sender.rttMs).toBeLessThan(42);
  });

  it('audio: no NACK, no PLI, losses skipped', () => {
    const packets = readOpusPackets(vector('opus.ogg'));
    const sender = new RtpSendStream({ ssrc: 5, payloadType: 111, clockRate: 48000, packetizer: new OpusPacketizer(), cname: 'a' });
    const receiver = new RtpReceiveStream({ ssrc: 5, payloadType: 111, clockRate: 48000, depacketizer: new OpusDepacketizer(), localSsrc: 6, video: false });
    packets.forEach((p, n) => {
      const [d] = sender.sendFrame(p, n * 960, n * 20);
      if (n % 5 !== 2) receiver.receiveRtp(d!, n * 20 + 10);
      for (const r of receiver.poll(n * 20 + 10)) expect(parseRtcp(r)[0]!.type).toBe('rr');
    });
    const got = receiver.takeFrames().map((f) => toHex(f.data));
    const want = packets.filter((_, n) => n % 5 !== 2).map(toHex);
    // A gap is skipped once 3 later packets are in (reorder tolerance), so the tail may still wait.
    expect(got.length).toBeGreaterThanOrEqual(want.length - 3);
    expect(got).toEqual(want.slice(0, got.length));
    expect(receiver.stats.nacksSent + receiver.stats.plisSent).toBe(0);
  });

  it('RTX padding probes are counted and dropped', () => {
    const receiver = new RtpReceiveStream({ ssrc: 5, payloadType: 96, clockRate: 90000, depacketizer: new Vp8Depacketizer(), localSsrc: 6, rtx: { ssrc: 7, payloadType: 97 } });
    const probe = serializeRtpPacket({ marker: false, payloadType: 97, sequenceNumber: 1, timestamp: 0, ssrc: 7, csrcs: [], extensions: [], payload: new Uint8Array(0), paddingSize: 255 });
    receiver.receiveRtp(probe, 0);
    expect(receiver.stats).toMatchObject({ padding: 1, malformed: 0, packetsReceived: 0 });
  });
  it('foreign SSRCs are counted and dropped', () => {
    const receiver = new RtpReceiveStream({ ssrc: 5, payloadType: 96, clockRate: 90000, depacketizer: new Vp8Depacketizer(), localSsrc: 6 });
    const other = new RtpSendStream({ ssrc: 9, payloadType: 96, clockRate: 90000, packetizer: new Vp8Packetizer(), cname: 'b' });
    for (const d of other.sendFrame(new Uint8Array(10), 0, 0)) receiver.receiveRtp(d, 0);
    expect(receiver.stats.foreign).toBe(1);
    expect(receiver.takeFrames()).toEqual([]);
  });
});

describe('RtpSendStream with transport-wide CC', () => {
  it('stamps transport-wide sequence numbers across streams and feeds the estimator', () => {
    const estimator = new SendSideBandwidthEstimator();
    const transportCc = { extensionId: 5, estimator, sequence: { next: 65534 } };
    const a = new RtpSendStream({ ssrc: 1, payloadType: 96, clockRate: 90000, packetizer: new Vp8Packetizer(), cname: 'c', transportCc });
    const b = new RtpSendStream({ ssrc: 2, payloadType: 111, clockRate: 48000, packetizer: new OpusPacketizer(), cname: 'c', transportCc });
    const recorder = new TransportWideCcRecorder({ senderSsrc: 7, mediaSsrc: 1 });
    const seqs: number[] = [];
    for (let n = 0; n < 30; n++) {
      for (const d of [...a.sendFrame(new Uint8Array(3000).fill(n), n * 3000, n * 33), ...b.sendFrame(new Uint8Array(80), n * 960, n * 33)]) {
        const seq = parseTransportWideSequenceNumber(getRtpExtension(parseRtpPacket(d), 5)!);
        seqs.push(seq);
        recorder.onPacket(seq, n * 33 + 15);
      }
    }
    expect(seqs.slice(0, 4)).toEqual([65534, 65535, 0, 1]);
    expect(new Set(seqs).size).toBe(seqs.length);
    for (const fb of recorder.buildFeedback()) a.receiveRtcp(parseRtcp(serializeRtcp([fb])), 30 * 33 + 40);
    expect(estimator.ackedBitrate()).toBeGreaterThan(0);
  });
});

describe('RtpReceiveStream meets garbage', () => {
  it('fast-check: random datagrams between real ones are counted and dropped; real frames still come out', () => {
    const clip = readIvf(vector('vp8.ivf')).frames;
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 120 }), { maxLength: 40 }), fc.nat(), (garbage, seed) => {
      const sender = new RtpSendStream({ ssrc: 0x1111, payloadType: 96, clockRate: 90000, packetizer: new Vp8Packetizer(), cname: 'g', initialSequenceNumber: 100 });
      const receiver = new RtpReceiveStream({ ssrc: 0x1111, payloadType: 96, clockRate: 90000, depacketizer: new Vp8Depacketizer(), localSsrc: 2 });
      const rand = mulberry32(seed);
      let now = 0;
      for (const [n, frame] of clip.entries()) {
        for (const d of sender.sendFrame(frame, n * 6000, now)) {
          receiver.receiveRtp(d, now);
          if (garbage.length && rand() < 0.5) {
            const g = garbage.pop()!;
            if (g.length >= 2 && rand() < 0.5) g[0] = 0x80; // looks like RTP v2
            receiver.receiveRtp(g, now);
            receiver.receiveRtcp([], now);
          }
        }
        receiver.poll(now += 66);
      }
      const frames = receiver.takeFrames();
      expect(frames.map((f) => toHex(f.data))).toEqual(clip.map(toHex));
    }), { seed: 42, numRuns: 100 });
  });
});
