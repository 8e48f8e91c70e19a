/**
 * The pacer on a simulated clock: a keyframe-sized burst leaves spread at the pacing rate (timing
 * read from the pacer's own outputs, polled when it asks to be), audio is never held behind
 * video, retransmissions jump the video queue, an old queue is drained within the queue-time
 * limit, a full queue drops the oldest video and counts it, and the extension locator the
 * sender stamps transport-wide sequence numbers with.
 */
import { describe, expect, it } from 'vitest';
import {
  Pacer, RtpError, RtpSendStream, SendSideBandwidthEstimator, Vp8Packetizer, getRtpExtension, parseRtpPacket, rtpExtensionValueOffset, serializeRtpPacket,
  type PacedPacketKind,
} from '../src/index.js';

const packet = (tag: number, size = 1200): Uint8Array => {
  const p = new Uint8Array(size);
  p[0] = tag >> 8;
  p[1] = tag & 0xff;
  return p;
};
const tagOf = (p: Uint8Array): number => (p[0]! << 8) | p[1]!;

/** Polls whenever the pacer asks to (its nextSendTime), as a timer would, until `untilMs`; every packet with the time it left. */
function run(pacer: Pacer, startMs: number, untilMs: number, inject: (nowMs: number) => void = () => {}): Array<{ at: number; p: Uint8Array }> {
  const out: Array<{ at: number; p: Uint8Array }> = [];
  let now = startMs;
  for (let guard = 0; guard < 100_000 && now <= untilMs; guard++) {
    inject(now);
    for (const p of pacer.poll(now)) out.push({ at: now, p });
    const next = pacer.nextSendTime();
    // A timer fires on whole milliseconds, never before the time asked for.
    now = next === undefined ? now + 1 : Math.max(now + 1, Math.ceil(next));
  }
  return out;
}

describe('Pacer', () => {
  it('spreads a 60-packet keyframe at the pacing rate in 5 ms steps instead of one burst', () => {
    const pacer = new Pacer({ pacingRate: 4_000_000 }); // 500 bytes per ms
    for (let i = 0; i < 60; i++) pacer.enqueue(packet(i), 'video', 1000);
    expect(pacer.nextSendTime()).toBe(1000);
    const sent = run(pacer, 1000, 2000);
    expect(sent.map((s) => tagOf(s.p))).toEqual(Array.from({ length: 60 }, (_, i) => i));
    // 72,000 bytes at 500 bytes/ms: about 144 ms, less the first burst allowance (2,500 bytes and one packet).
    const duration = sent.at(-1)!.at - sent[0]!.at;
    expect(duration).toBeGreaterThanOrEqual(135);
    expect(duration).toBeLessThanOrEqual(150);
    // No instant carries more than the burst allowance plus one packet, and instants are >= 5 ms apart.
    const perInstant = new Map<number, number>();
    for (const s of sent) perInstant.set(s.at, (perInstant.get(s.at) ?? 0) + s.p.length);
    expect(Math.max(...perInstant.values())).toBeLessThanOrEqual(2500 + 1200);
    const instants = [...perInstant.keys()];
    for (let i = 1; i < instants.length; i++) expect(instants[i]! - instants[i - 1]!).toBeGreaterThanOrEqual(5);
    // Over any 50 ms window, no more than the rate allows (plus one burst).
    for (const s of sent) {
      const bytes = sent.filter((o) => o.at >= s.at && o.at < s.at + 50).reduce((n, o) => n + o.p.length, 0);
      expect(bytes).toBeLessThanOrEqual(50 * 500 + 2500 + 1200);
    }
    expect(pacer.stats).toMatchObject({ packetsSent: 60, bytesSent: 72_000, packetsDropped: 0, drainPolls: 0 });
    expect(pacer.stats.maxQueueDelayMs).toBe(duration);
    expect(pacer.nextSendTime()).toBeUndefined();
    expect(pacer.queuedBytes).toBe(0);
  });

  it('keeps the rate when polls come late (a busy timer), catching up at most 30 ms', () => {
    const pacer = new Pacer({ pacingRate: 4_000_000 });
    for (let i = 0; i < 60; i++) pacer.enqueue(packet(i), 'video', 0);
    let now = 0;
    let last = 0;
    const perPoll: number[] = [];
    while (pacer.queuedPackets > 0) {
      const out = pacer.poll(now);
      perPoll.push(out.reduce((n, p) => n + p.length, 0));
      if (out.length > 0) last = now;
      now += 20; // every poll 15 ms late
    }
    expect(last).toBeGreaterThanOrEqual(120);
    expect(last).toBeLessThanOrEqual(160);
    expect(Math.max(...perPoll)).toBeLessThanOrEqual(20 * 500 + 2500 + 1200);
  });

  it('never holds audio behind queued video; audio bytes still use up the rate', () => {
    const pacer = new Pacer({ pacingRate: 1_000_000 }); // 125 bytes per ms
    for (let i = 0; i < 40; i++) pacer.enqueue(packet(i), 'video', 0);
    const audioSentAt = new Map<number, number>();
    const sent = run(pacer, 0, 1000, (now) => {
      // Opus every 20 ms, written and polled at once, as the media sender does.
      if (now % 20 === 0 && now <= 300) pacer.enqueue(packet(1000 + now / 20, 100), 'audio', now);
    });
    for (const s of sent) if (tagOf(s.p) >= 1000) audioSentAt.set(tagOf(s.p), s.at);
    expect(audioSentAt.size).toBe(16);
    for (const [tag, at] of audioSentAt) expect(at).toBe((tag - 1000) * 20);
    // An audio packet in the queue asks for a poll right away.
    pacer.enqueue(packet(1, 1200), 'video', 2000);
    pacer.enqueue(packet(2, 1200), 'video', 2000);
    pacer.poll(2000);
    pacer.enqueue(packet(3, 100), 'audio', 2001);
    expect(pacer.nextSendTime()).toBe(2001);
    expect(pacer.poll(2001).map(tagOf)).toEqual([3]);
  });

  it('sends retransmissions before video that was queued earlier', () => {
    const pacer = new Pacer({ pacingRate: 1_000_000 });
    for (let i = 0; i < 20; i++) pacer.enqueue(packet(i), 'video', 0);
    const first = pacer.poll(0).map(tagOf);
    expect(first).toEqual([0]); // 625 bytes of burst: one packet
    pacer.enqueue(packet(500), 'retransmission', 3);
    pacer.enqueue(packet(501), 'retransmission', 4);
    const rest = run(pacer, 5, 1000).map((s) => tagOf(s.p));
    expect(rest.slice(0, 2)).toEqual([500, 501]);
    expect(rest.slice(2)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
  });

  it('raises the rate to drain a queue whose oldest packet would wait past the limit', () => {
    // 1,000 packets at 100 kbit/s would take 96 s; the limit is 2 s.
    const pacer = new Pacer({ pacingRate: 100_000, maxQueueTimeMs: 2000 });
    for (let i = 0; i < 1000; i++) pacer.enqueue(packet(i), 'video', 0);
    const sent = run(pacer, 0, 10_000);
    expect(sent).toHaveLength(1000);
    expect(sent.at(-1)!.at).toBeLessThanOrEqual(2000 + 5);
    expect(pacer.stats.drainPolls).toBeGreaterThan(0);
    expect(pacer.stats.maxQueueDelayMs).toBeLessThanOrEqual(2005);
    // Still spread out, not flushed at once: no instant carries more than a tenth of it.
    const perInstant = new Map<number, number>();
    for (const s of sent) perInstant.set(s.at, (perInstant.get(s.at) ?? 0) + 1);
    expect(Math.max(...perInstant.values())).toBeLessThan(100);
    // A queue that fits the limit at the pacing rate is not hurried.
    const calm = new Pacer({ pacingRate: 1_000_000 });
    for (let i = 0; i < 50; i++) calm.enqueue(packet(i), 'video', 0);
    run(calm, 0, 5000);
    expect(calm.stats.drainPolls).toBe(0);
  });

  it('bounds the queue: the oldest video is dropped and counted, retransmissions and audio kept', () => {
    const pacer = new Pacer({ pacingRate: 1_000_000, maxQueuedPackets: 10 });
    const kinds: PacedPacketKind[] = [];
    pacer.enqueue(packet(900), 'retransmission', 0);
    kinds.push('retransmission');
    for (let i = 0; i < 15; i++) pacer.enqueue(packet(i), 'video', 0);
    pacer.enqueue(packet(950, 100), 'audio', 0);
    expect(pacer.stats.packetsDropped).toBe(6);
    expect(pacer.stats.bytesDropped).toBe(6 * 1200);
    expect(pacer.queuedPackets).toBe(11);
    expect(pacer.queuedBytes).toBe(10 * 1200 + 100);
    const sent = run(pacer, 0, 1000).map((s) => tagOf(s.p));
    expect(sent).toEqual([950, 900, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    pacer.enqueue(packet(1), 'video', 2000);
    pacer.clear();
    expect(pacer.queuedPackets).toBe(0);
    expect(pacer.nextSendTime()).toBeUndefined();
  });

  it('follows a new pacing rate and refuses a rate that is not a positive number', () => {
    const pacer = new Pacer({ pacingRate: 1_000_000 });
    pacer.setPacingRate(8_000_000); // 1,000 bytes per ms
    for (let i = 0; i < 100; i++) pacer.enqueue(packet(i), 'video', 0);
    const sent = run(pacer, 0, 1000);
    expect(sent.at(-1)!.at).toBeGreaterThanOrEqual(110);
    expect(sent.at(-1)!.at).toBeLessThanOrEqual(125);
    expect(pacer.pacingRate).toBe(8_000_000);
    for (const bad of [0, -1, NaN, Infinity]) expect(() => pacer.setPacingRate(bad)).toThrow(RtpError);
    expect(() => new Pacer({ pacingRate: 0 })).toThrow(RtpError);
  });

  it('many packets through one pacer keep their order per kind and memory stays bounded', () => {
    const pacer = new Pacer({ pacingRate: 50_000_000 });
    let next = 0;
    const got: number[] = [];
    for (let t = 0; t < 2000; t += 5) {
      for (let k = 0; k < 20; k++) pacer.enqueue(packet(next++ & 0xffff), 'video', t);
      got.push(...pacer.poll(t).map(tagOf));
    }
    got.push(...run(pacer, 2000, 10_000).map((s) => tagOf(s.p)));
    expect(got).toEqual(Array.from({ length: next }, (_, i) => i & 0xffff));
  });
});

describe('rtpExtensionValueOffset', () => {
  const base = { marker: false, payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3, csrcs: [4], payload: new Uint8Array([9, 9]), paddingSize: 0 };
  it('finds a value in one-byte and two-byte forms and lets a sender rewrite it in place', () => {
    for (const value of [new Uint8Array(2), new Uint8Array(20)]) {
      // A 20-byte element makes the two-byte form (RFC 8285 §4.3).
      const bytes = serializeRtpPacket({ ...base, extensions: [{ id: 1, value: new Uint8Array([7]) }, { id: 5, value }, { id: 3, value: new Uint8Array([1, 2, 3]) }] });
      const at = rtpExtensionValueOffset(bytes, 5);
      expect(at).toBeGreaterThan(12);
      bytes[at] = 0xab;
      bytes[at + 1] = 0xcd;
      const parsed = parseRtpPacket(bytes);
      expect(Array.from(parsed.extensions.find((e) => e.id === 5)!.value.subarray(0, 2))).toEqual([0xab, 0xcd]);
      expect(Array.from(parsed.extensions.find((e) => e.id === 3)!.value)).toEqual([1, 2, 3]);
      expect(rtpExtensionValueOffset(bytes, 4)).toBe(-1);
    }
  });
  it('says -1 for packets without extensions or with a block that runs past the end', () => {
    const plain = serializeRtpPacket({ ...base, extensions: [] });
    expect(rtpExtensionValueOffset(plain, 1)).toBe(-1);
    const withExt = serializeRtpPacket({ ...base, extensions: [{ id: 2, value: new Uint8Array([1, 2]) }] });
    expect(rtpExtensionValueOffset(withExt.subarray(0, 18), 2)).toBe(-1);
    expect(rtpExtensionValueOffset(new Uint8Array(5), 2)).toBe(-1);
  });
});

describe('RtpSendStream with TransportCc.assignedOnSend', () => {
  it('writes a placeholder transport-wide number and leaves numbering and the send record to the pacer', () => {
    const estimator = new SendSideBandwidthEstimator();
    const recorded: number[] = [];
    estimator.onPacketSent = (seq) => void recorded.push(seq);
    const sequence = { next: 40 };
    const stream = new RtpSendStream({
      ssrc: 1, payloadType: 96, clockRate: 90000, packetizer: new Vp8Packetizer(), cname: 'c',
      transportCc: { extensionId: 4, estimator, sequence, assignedOnSend: true },
    });
    const packets = stream.sendFrame(new Uint8Array(3000).fill(0x10), 0, 0);
    expect(packets.length).toBeGreaterThan(2);
    expect(sequence.next).toBe(40);
    expect(recorded).toEqual([]);
    for (const p of packets) {
      expect(Array.from(getRtpExtension(parseRtpPacket(p), 4)!)).toEqual([0, 0]);
      expect(rtpExtensionValueOffset(p, 4)).toBeGreaterThan(12);
    }
    // Without it the stream numbers and records, as before.
    const plain = new RtpSendStream({
      ssrc: 1, payloadType: 96, clockRate: 90000, packetizer: new Vp8Packetizer(), cname: 'c',
      transportCc: { extensionId: 4, estimator, sequence },
    });
    expect(plain.sendFrame(new Uint8Array(3000).fill(0x10), 0, 0)).toHaveLength(packets.length);
    expect(recorded).toEqual(packets.map((_, i) => 40 + i));
  });
});
