/**
 * What the stateful RTP objects say through a logger (sans-IO, simulated time): packets given up
 * on, NACKs for packets no longer held, decoding that breaks and resumes, keyframe requests sent
 * and received, bandwidth estimate changes. Repeated drops are said once and then counted.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  JitterBuffer, NackGenerator, RetransmissionBuffer, RtpReceiveStream, RtpSendStream, SendSideBandwidthEstimator, TransportWideCcRecorder,
  Vp8Depacketizer, Vp8Packetizer, parseRtcp, parseRtpPacket, serializeRtcp, serializeRtpPacket, type RtpPacket,
} from '../src/index.js';
import { logRecorder } from '@x/testing';

const recorder = logRecorder;

/** A one-packet VP8 frame (payload descriptor S=1, PID 0; the frame tag's P bit says key or delta). */
function vp8(seq: number, timestamp: number, key: boolean): RtpPacket {
  return {
    marker: true, payloadType: 96, sequenceNumber: seq & 0xffff, timestamp, ssrc: 1, csrcs: [], extensions: [],
    payload: new Uint8Array([0x10, key ? 0x00 : 0x01, 0, 0]), paddingSize: 0,
  };
}

describe('NackGenerator', () => {
  it('says the first packet given up after its retries, then only counts', () => {
    const log = recorder();
    const nack = new NackGenerator({ maxRetries: 2, logger: log });
    for (const seq of [1, 3, 5, 7]) nack.onPacket(seq); // 2, 4, 6 never come
    let lost: number[] = [];
    for (let t = 0; t <= 300; t += 100) lost = lost.concat(nack.poll(t, 50).lost);
    expect(lost).toEqual([2, 4, 6]);
    expect(log.lines).toEqual(['debug [rtp] NACK: gave up on packet 2 after 2 requests (every 50 ms); further ones are counted']);
  });

  it('says a packet given up because too many are missing', () => {
    const log = recorder();
    const nack = new NackGenerator({ maxMissing: 3, logger: log });
    nack.onPacket(0);
    nack.onPacket(3);
    nack.onPacket(6);
    expect(nack.poll(0, 50).lost).toEqual([1]);
    expect(log.lines).toEqual(['debug [rtp] NACK: gave up on packet 1: more than 3 packets missing; further ones are counted']);
  });
});

describe('RetransmissionBuffer', () => {
  it('says a NACK for a packet no longer held, with what it holds; then counts', () => {
    const log = recorder();
    const history = new RetransmissionBuffer(4, undefined, 0, { logger: log });
    for (let seq = 10; seq < 20; seq++) {
      history.store(serializeRtpPacket({ ...vp8(seq, 0, false), payload: new Uint8Array(4) }));
    }
    expect(history.answer([17, 3]).length).toBe(1);
    for (let i = 0; i < 9; i++) history.answer([4]);
    expect(history.stats.missed).toBe(10);
    expect(log.lines).toEqual([
      'debug [rtp] NACK for packet 3, no longer in the history (4 packets kept, holding 16..19); further ones are counted',
      'debug [rtp] NACK for a packet no longer in the history: 10 so far',
    ]);
  });
});

describe('JitterBuffer', () => {
  it('says when a lost packet breaks decoding and when a keyframe resumes it; duplicates said once', () => {
    const log = recorder();
    const jb = new JitterBuffer({ depacketizer: new Vp8Depacketizer(), logger: log });
    const popAll = (): number[] => {
      const out: number[] = [];
      for (let f = jb.pop(); f; f = jb.pop()) out.push(f.firstSequenceNumber);
      return out;
    };
    jb.insert(vp8(100, 0, true));
    jb.insert(vp8(101, 1, false));
    expect(popAll()).toEqual([100, 101]);
    expect(log.lines).toEqual([]); // nothing wrong, nothing said
    jb.insert(vp8(103, 3, false)); // 102 is lost
    jb.insert(vp8(103, 3, false));
    jb.insert(vp8(103, 3, false));
    jb.markLost([102]);
    expect(popAll()).toEqual([]);
    jb.insert(vp8(104, 4, true));
    expect(popAll()).toEqual([104]);
    expect(jb.stats.duplicates).toBe(2);
    expect(log.lines).toEqual([
      'debug [rtp] packet 103 dropped: a duplicate; further ones are counted',
      'debug [rtp] frame at packet 102 cannot be completed (its first packet was given up on): waiting for a keyframe',
      'debug [rtp] decoding resumes at keyframe packet 104 (1 packet before it dropped)',
    ]);
  });

  it('says once that a stream joined mid-way starts with a delta frame', () => {
    const log = recorder();
    const jb = new JitterBuffer({ depacketizer: new Vp8Depacketizer(), logger: log });
    jb.insert(vp8(5, 0, false));
    jb.insert(vp8(6, 1, false));
    expect(jb.pop()).toBeUndefined();
    expect(jb.pop()).toBeUndefined();
    expect(jb.needsKeyframe).toBe(true);
    expect(log.lines).toEqual(['debug [rtp] first complete frame (packet 5) is not a keyframe: waiting for one']);
  });
});

describe('RtpSendStream and RtpReceiveStream', () => {
  it('the receiver says its NACK and PLI, the sender the NACK, PLI and FIR it got, each line naming the SSRC', () => {
    const rlog = recorder();
    const slog = recorder();
    const sender = new RtpSendStream({
      ssrc: 0x1111, payloadType: 96, clockRate: 90000, packetizer: new Vp8Packetizer(), cname: 'x', initialSequenceNumber: 1000, historySize: 4, logger: slog,
    });
    const receiver = new RtpReceiveStream({
      ssrc: 0x1111, payloadType: 96, clockRate: 90000, depacketizer: new Vp8Depacketizer(), localSsrc: 0x3333, logger: rlog,
    });
    receiver.receiveRtp(sender.sendFrame(new Uint8Array([0, 0, 0]), 0, 0)[0]!, 0); // a keyframe (P bit 0), packet 1000
    const packets = sender.sendFrame(new Uint8Array(3000).fill(1), 3000, 0); // a delta frame, packets 1001..1003
    expect(packets.map((p) => parseRtpPacket(p).sequenceNumber)).toEqual([1001, 1002, 1003]);
    receiver.receiveRtp(packets[0]!, 0);
    receiver.receiveRtp(packets[2]!, 1); // 1002 lost
    const rtcp = receiver.poll(10, 20).flatMap((d) => parseRtcp(d));
    expect(rtcp.map((p) => p.type)).toEqual(['nack']);
    // The history holds 4 packets: after 5 more, 1002 is gone when the NACK arrives.
    for (let i = 0; i < 5; i++) sender.sendFrame(new Uint8Array([1, 0, 0]), 6000 + i, 10);
    const reaction = sender.receiveRtcp(rtcp, 20);
    expect(reaction.retransmissions).toEqual([]);
    sender.receiveRtcp(parseRtcp(serializeRtcp([{ type: 'pli', senderSsrc: 0x3333, mediaSsrc: 0x1111 }])), 30);
    sender.receiveRtcp(parseRtcp(serializeRtcp([{ type: 'fir', senderSsrc: 0x3333, mediaSsrc: 0, entries: [{ ssrc: 0x1111, sequenceNumber: 1 }] }])), 30);
    expect(slog.lines).toEqual([
      'debug [rtp] ssrc 4369: NACK received for packet 1002; further ones are counted',
      'debug [rtp] ssrc 4369: NACK for packet 1002, no longer in the history (4 packets kept, holding 1005..1008); further ones are counted',
      'debug [rtp] ssrc 4369: PLI received from ssrc 13107: keyframe requested',
      'debug [rtp] ssrc 4369: FIR received from ssrc 13107: keyframe requested',
    ]);
    // Nothing answers: the receiver asks 10 times, gives up on 1002, and asks for a keyframe.
    for (let t = 20; t <= 600; t += 20) receiver.poll(t, 20); // PLIs at most every 300 ms: two
    expect(rlog.lines).toEqual([
      'debug [rtp] ssrc 4369: NACK sent for packet 1002; further ones are counted',
      'debug [rtp] ssrc 4369: NACKs sent: 10 so far',
      'debug [rtp] ssrc 4369: NACK: gave up on packet 1002 after 10 requests (every 20 ms); further ones are counted',
      'debug [rtp] ssrc 4369: frame at packet 1001 cannot be completed (a packet of it was given up on): waiting for a keyframe',
      'debug [rtp] ssrc 4369: PLI sent (waiting for a keyframe; 1 so far)',
      'debug [rtp] ssrc 4369: PLI sent (waiting for a keyframe; 2 so far)',
    ]);
  });

  it('says the first datagram that does not parse and the first of another stream', () => {
    const log = recorder();
    const receiver = new RtpReceiveStream({ ssrc: 5, payloadType: 96, clockRate: 90000, depacketizer: new Vp8Depacketizer(), localSsrc: 6, logger: log });
    receiver.receiveRtp(new Uint8Array([0x80, 0x60, 1]), 0);
    receiver.receiveRtp(new Uint8Array([0x80, 0x60, 1]), 0);
    receiver.receiveRtp(serializeRtpPacket({ ...vp8(1, 0, true), ssrc: 9 }), 0);
    expect(log.lines).toEqual([
      'debug [rtp] ssrc 5: datagram of 3 bytes dropped: truncated: RTP packet of 3 bytes is shorter than 12; further ones are counted',
      "debug [rtp] ssrc 5: packet of ssrc 9 payload type 96 dropped: not this stream's (payload type 96); further ones are counted",
    ]);
  });
});

describe('SendSideBandwidthEstimator', () => {
  it('says when heavy loss makes it cut the target and when loss ends', () => {
    const log = recorder();
    const bwe = new SendSideBandwidthEstimator({ logger: log });
    const rec = new TransportWideCcRecorder({ senderSsrc: 1, mediaSsrc: 2 });
    let seq = 0;
    const round = (now: number, lossEvery: number): void => {
      for (let i = 0; i < 40; i++, seq++) {
        bwe.onPacketSent(seq, 1000, now + i);
        if (lossEvery === 0 || i % lossEvery !== 0) rec.onPacket(seq, now + i + 20);
      }
      for (const fb of rec.buildFeedback()) bwe.onTransportFeedback(fb, now + 60);
    };
    round(0, 4); // every 4th lost: 9 of the 39 the feedback covers (it starts at the first packet that arrived)
    const cut = bwe.targetBitrate;
    expect(cut).toBeLessThan(300_000);
    round(1000, 0);
    expect(log.lines.filter((l) => l.includes('loss'))).toEqual([
      `debug [rtp] bandwidth estimate: loss 23.1 %: cutting, target ${Math.round(cut / 1000)} kbps`,
      expect.stringMatching(/^debug \[rtp\] bandwidth estimate: loss 0\.0 %: growing, target \d+ kbps$/),
    ]);
  });
});

describe('NODE_DEBUG=x-rtp', () => {
  it('without a logger, the built package writes to stderr only when NODE_DEBUG names x-rtp', () => {
    const script = `
      import { RetransmissionBuffer } from '@x/rtp';
      const h = new RetransmissionBuffer(4);
      h.answer([7]);`;
    const run = (debug: string): string => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NODE_DEBUG: debug }, encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname });
      expect(r.status).toBe(0);
      return r.stderr;
    };
    expect(run('x-rtp')).toMatch(/^X-RTP \d+: NACK for packet 7, no longer in the history \(4 packets kept, none held\); further ones are counted$/m);
    expect(run('x-ice')).toBe('');
  });
});
