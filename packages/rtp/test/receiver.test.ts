import { describe, expect, it } from 'vitest';
import {
  JitterBuffer, NackGenerator, RetransmissionBuffer, Vp8Depacketizer, Vp8Packetizer, OpusDepacketizer, parseRtpPacket,
  serializeRtpPacket, wrapRtx, unwrapRtx, ReceiverStatistics, roundTripTimeMs, SenderReportGenerator, ntpTimeFromUnixMs,
  unixMsFromNtpTime, compactNtp, sequenceNumberDiff, SequenceNumberUnwrapper, RtpError,
} from '../src/index.js';
import type { RtpPacket } from '../src/index.js';
import { hex, throwsCode, toHex } from './helpers.js';

function pkt(seq: number, ts: number, marker: boolean, payload: Uint8Array): RtpPacket {
  return { marker, payloadType: 96, sequenceNumber: seq & 0xffff, timestamp: ts, ssrc: 1, csrcs: [], extensions: [], payload, paddingSize: 0 };
}

/** VP8 frames of `sizes` bytes each, keyframe when the P bit is 0, packetized at 100 bytes. */
function vp8Stream(keyframes: boolean[], firstSeq = 0): { packets: RtpPacket[]; frames: Uint8Array[] } {
  const pk = new Vp8Packetizer({ maxPayloadSize: 100 });
  const packets: RtpPacket[] = [];
  const frames: Uint8Array[] = [];
  let seq = firstSeq;
  keyframes.forEach((key, n) => {
    const frame = new Uint8Array(250).map((_, i) => (i * 7 + n) & 0xff);
    frame[0] = key ? 0x10 : 0x11; // VP8 frame tag: P bit 0 for key frames
    frames.push(frame);
    const payloads = pk.packetize(frame);
    payloads.forEach((p, i) => packets.push(pkt(seq++, n * 3000, i === payloads.length - 1, p)));
  });
  return { packets, frames };
}

function drain(jb: JitterBuffer): Uint8Array[] {
  const dp = new Vp8Depacketizer();
  const out: Uint8Array[] = [];
  for (let f = jb.pop(); f; f = jb.pop()) out.push(dp.depacketize(f.payloads));
  return out;
}

describe('JitterBuffer', () => {
  it('reorders packets across the sequence number wrap and assembles frames by marker', () => {
    const { packets, frames } = vp8Stream([true, false, false], 65530);
    const jb = new JitterBuffer({ depacketizer: new Vp8Depacketizer() });
    const shuffled = [packets[2]!, packets[0]!, packets[5]!, packets[1]!, packets[4]!, packets[3]!, packets[8]!, packets[7]!, packets[6]!];
    const out: Uint8Array[] = [];
    for (const p of shuffled) { jb.insert(p); out.push(...drain(jb)); }
    expect(out.map(toHex)).toEqual(frames.map(toHex));
    expect(jb.size).toBe(0);
  });
  it('drops duplicates and late packets', () => {
    const { packets } = vp8Stream([true, false]);
    const jb = new JitterBuffer({ depacketizer: new Vp8Depacketizer() });
    for (const p of packets) jb.insert(p);
    jb.insert(packets[4]!);
    expect(drain(jb).length).toBe(2);
    jb.insert(packets[0]!);
    expect(jb.stats).toMatchObject({ duplicates: 1, late: 1, framesDelivered: 2 });
  });
  it('reports gaps for NACK', () => {
    const { packets } = vp8Stream([true, false, false]);
    const jb = new JitterBuffer({ depacketizer: new Vp8Depacketizer() });
    for (const p of packets) if (p.sequenceNumber !== 4 && p.sequenceNumber !== 6) jb.insert(p);
    expect(drain(jb).length).toBe(1);
    expect(jb.missing()).toEqual([4, 6]);
  });
  it('waits at the start until a keyframe; asks for one when it joined mid-stream', () => {
    const { packets, frames } = vp8Stream([false, false, true, false]);
    const jb = new JitterBuffer({ depacketizer: new Vp8Depacketizer() });
    for (const p of packets.slice(0, 6)) jb.insert(p);
    expect(drain(jb)).toEqual([]);
    expect(jb.needsKeyframe).toBe(true);
    for (const p of packets.slice(6)) jb.insert(p);
    expect(drain(jb).map(toHex)).toEqual([frames[2]!, frames[3]!].map(toHex));
    expect(jb.needsKeyframe).toBe(false);
  });
  it('asks for a keyframe when the first one is broken and no frame follows it yet', () => {
    // A sender that sends one keyframe and then nothing (a still picture) must be asked again, or the
    // receiver shows nothing for ever.
    const { packets, frames } = vp8Stream([true, true]);
    const jb = new JitterBuffer({ depacketizer: new Vp8Depacketizer() });
    for (const p of packets.slice(0, 3)) if (p.sequenceNumber !== 1) jb.insert(p);
    expect(drain(jb)).toEqual([]);
    expect(jb.needsKeyframe).toBe(false); // a gap alone is not yet a loss: NACK may recover it
    jb.markLost([1]);
    expect(drain(jb)).toEqual([]);
    expect(jb.needsKeyframe).toBe(true);
    for (const p of packets.slice(3)) jb.insert(p);
    expect(drain(jb).map(toHex)).toEqual([frames[1]!].map(toHex));
    expect(jb.needsKeyframe).toBe(false);
  });
  it('decode-breaking loss: waits for the next keyframe and raises needsKeyframe (for PLI)', () => {
    const { packets, frames } = vp8Stream([true, false, false, true, false]);
    const jb = new JitterBuffer({ depacketizer: new Vp8Depacketizer() });
    for (const p of packets.slice(0, 9)) if (p.sequenceNumber !== 4) jb.insert(p); // frame 1 loses a packet
    expect(drain(jb).length).toBe(1);
    expect(jb.needsKeyframe).toBe(false); // a gap alone is not yet a loss: NACK may recover it
    jb.markLost([4]);
    expect(drain(jb)).toEqual([]);
    expect(jb.needsKeyframe).toBe(true); // frame 2 is complete but depends on frame 1
    for (const p of packets.slice(9)) jb.insert(p);
    expect(drain(jb).map(toHex)).toEqual([frames[3]!, frames[4]!].map(toHex));
    expect(jb.needsKeyframe).toBe(false);
    expect(jb.stats.keyframeWaits).toBe(1);
  });
  it('is bounded: evicts old packets and then needs a keyframe', () => {
    const { packets } = vp8Stream(new Array(40).fill(false).map((_, i) => i === 0));
    const jb = new JitterBuffer({ depacketizer: new Vp8Depacketizer(), capacity: 16 });
    jb.insert(packets[0]!); jb.insert(packets[1]!); jb.insert(packets[2]!);
    expect(drain(jb).length).toBe(1);
    for (const p of packets.slice(4)) { jb.insert(p); expect(jb.size).toBeLessThanOrEqual(16); }
    expect(drain(jb)).toEqual([]);
    expect(jb.needsKeyframe).toBe(true);
    expect(jb.stats.evicted).toBeGreaterThan(0);
  });
  it('padding-only packets between frames (bandwidth probes) are consumed, not delivered', () => {
    const { packets, frames } = vp8Stream([true, true, false]);
    // Renumber: after frame 0 (seq 0–2) come two padding packets with frame 0's timestamp.
    const pad = (seq: number) => ({ ...pkt(seq, 0, false, new Uint8Array(0)), paddingSize: 200 });
    const stream = [...packets.slice(0, 3), pad(3), pad(4), ...packets.slice(3).map((p) => ({ ...p, sequenceNumber: p.sequenceNumber + 2 }))];
    const jb = new JitterBuffer({ depacketizer: new Vp8Depacketizer() });
    const order = [stream[4]!, stream[0]!, stream[6]!, stream[1]!, stream[2]!, stream[5]!, stream[3]!, ...stream.slice(7)];
    const out: Uint8Array[] = [];
    for (const p of order) { jb.insert(p); out.push(...drain(jb)); }
    expect(out.map(toHex)).toEqual(frames.map(toHex));
    expect(jb.stats.padding).toBe(2);
    // Joining at the padding: it is not taken for a frame; decoding starts at keyframe 1.
    const late = new JitterBuffer({ depacketizer: new Vp8Depacketizer() });
    for (const p of stream.slice(3)) late.insert(p);
    expect(drain(late).map(toHex)).toEqual([frames[1]!, frames[2]!].map(toHex));
  });
  it('audio: every packet is a frame and losses are skipped', () => {
    const jb = new JitterBuffer({ depacketizer: new OpusDepacketizer(), video: false });
    for (const s of [0, 1, 3, 4]) jb.insert(pkt(s, s * 960, false, hex('fc' + s.toString(16).padStart(2, '0'))));
    const out: number[] = [];
    for (let f = jb.pop(); f; f = jb.pop()) out.push(f.firstSequenceNumber);
    expect(out).toEqual([0, 1]);
    jb.markLost([2]);
    for (let f = jb.pop(); f; f = jb.pop()) out.push(f.firstSequenceNumber);
    expect(out).toEqual([0, 1, 3, 4]);
  });
});

describe('NackGenerator', () => {
  it('NACKs gaps once per RTT, stops on arrival, gives up after the retry limit', () => {
    const g = new NackGenerator({ maxRetries: 2 });
    for (const s of [65534, 65535, 2, 3]) g.onPacket(s); // 0 and 1 missing, across the wrap
    expect(g.poll(0, 50)).toEqual({ nack: [0, 1], lost: [] });
    expect(g.poll(10, 50)).toEqual({ nack: [], lost: [] });
    g.onPacket(1);
    expect(g.recovered).toBe(1);
    expect(g.poll(50, 50)).toEqual({ nack: [0], lost: [] });
    expect(g.poll(100, 50)).toEqual({ nack: [], lost: [0] });
    expect(g.pending).toEqual([]);
  });
  it('bounds the missing list', () => {
    const g = new NackGenerator({ maxMissing: 10 });
    g.onPacket(0); g.onPacket(100);
    expect(g.pending).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    g.onPacket(105); // 5 more missing: the oldest 5 are given up
    expect(g.pending.length).toBe(10);
    expect(g.poll(0, 10).lost).toEqual([90, 91, 92, 93]);
  });
});

describe('RetransmissionBuffer and RTX (RFC 4588)', () => {
  const original = serializeRtpPacket({ ...pkt(1234, 90000, true, hex('deadbeef')), extensions: [{ id: 1, value: hex('aa') }] });
  it('answers a NACK with RTX packets: OSN first, RTX SSRC/PT and own sequence numbers', () => {
    const buf = new RetransmissionBuffer(64, { ssrc: 0xabc, payloadType: 97 }, 7);
    buf.store(original);
    const [rtx, none] = [buf.answer([1234]), buf.answer([1235])];
    expect(none).toEqual([]);
    const p = parseRtpPacket(rtx[0]!);
    expect(p).toMatchObject({ ssrc: 0xabc, payloadType: 97, sequenceNumber: 7, timestamp: 90000, marker: true });
    expect(toHex(p.payload)).toBe('04d2deadbeef');
    const back = unwrapRtx(p, { ssrc: 1, payloadType: 96 });
    expect(toHex(serializeRtpPacket(back))).toBe(toHex(original));
    expect(buf.stats).toEqual({ retransmitted: 1, missed: 1, tooSoon: 0 });
    expect(parseRtpPacket(buf.answer([1234])[0]!).sequenceNumber).toBe(8);
  });
  it('does not resend a packet within one round trip of its last retransmission (a NACK that crossed it)', () => {
    const buf = new RetransmissionBuffer(64, { ssrc: 0xabc, payloadType: 97 });
    buf.store(original);
    expect(buf.answer([1234], 1000, 200)).toHaveLength(1);
    // The receiver asked again 100 ms later: the first retransmission cannot have arrived yet.
    expect(buf.answer([1234], 1100, 200)).toEqual([]);
    expect(buf.answer([1234], 1199, 200)).toEqual([]);
    // A round trip after it, the retransmission was lost too: send it again.
    expect(buf.answer([1234], 1200, 200)).toHaveLength(1);
    expect(buf.stats).toEqual({ retransmitted: 2, missed: 0, tooSoon: 2 });
    // Without a known RTT every request is answered; a packet stored anew starts afresh.
    expect(buf.answer([1234], 1201)).toHaveLength(1);
    buf.store(original);
    expect(buf.answer([1234], 1202, 200)).toHaveLength(1);
  });
  it('plain retransmission without RTX, and overwritten slots are not served', () => {
    const buf = new RetransmissionBuffer(4);
    buf.store(original);
    expect(toHex(buf.answer([1234])[0]!)).toBe(toHex(original));
    buf.store(serializeRtpPacket(pkt(1238, 0, false, hex('00'))));
    expect(buf.get(1234)).toBeUndefined();
    expect(() => new RetransmissionBuffer(100)).toThrow(RtpError);
  });
  it('wrapRtx keeps the timestamp; unwrap rejects a payload without OSN', () => {
    const w = wrapRtx(pkt(5, 77, false, hex('01')), { ssrc: 2, payloadType: 97 }, 9);
    expect([w.timestamp, w.sequenceNumber, toHex(w.payload)]).toEqual([77, 9, '000501']);
    throwsCode(() => unwrapRtx(pkt(1, 0, false, hex('00')), { ssrc: 1, payloadType: 96 }), 'truncated');
  });
});

describe('RTCP statistics (RFC 3550 A.1, A.3, A.8)', () => {
  it('counts loss, fraction lost per interval, extended highest sequence across a wrap', () => {
    const s = new ReceiverStatistics(5, 90000);
    let t = 0;
    for (let seq = 65530; seq < 65530 + 20; seq++) {
      if (seq % 65536 === 2 || seq % 65536 === 3) continue; // 2 lost
      s.onPacket(seq & 0xffff, 0, t);
    }
    const b = s.reportBlock(1000);
    // Probation swallows the first packet: base is 65531; 19 expected, 17 received.
    expect(b).toMatchObject({ ssrc: 5, cumulativeLost: 2, extendedHighestSequence: 65536 + 13, fractionLost: Math.floor((2 * 256) / 19) });
    for (let seq = 14; seq < 24; seq++) s.onPacket(seq, 0, t);
    expect(s.reportBlock(2000)).toMatchObject({ fractionLost: 0, cumulativeLost: 2 });
  });
  it('interarrival jitter converges to the transit variation (A.8)', () => {
    const s = new ReceiverStatistics(5, 1000); // 1 tick per ms for easy numbers
    // Packets every 20 ms of media time; arrivals alternate +0 / +10 ms late: |D| = 10 each time.
    for (let i = 0; i < 400; i++) s.onPacket(i, i * 20, i * 20 + (i % 2) * 10);
    expect(s.jitter).toBe(9); // J → 10 from below; floor of the estimate
    const steady = new ReceiverStatistics(6, 90000);
    for (let i = 0; i < 100; i++) steady.onPacket(i, (i * 3000) >>> 0, i * (1000 / 30));
    expect(steady.jitter).toBe(0);
  });
  it('a restarted source (two sequential packets far away) is re-synchronized', () => {
    const s = new ReceiverStatistics(5, 90000);
    for (let seq = 100; seq < 110; seq++) s.onPacket(seq, 0, 0);
    s.onPacket(40000, 0, 0);
    s.onPacket(40001, 0, 0);
    s.onPacket(40002, 0, 0);
    expect(s.extendedHighestSequence).toBe(40002);
  });
  it('LSR/DLSR from the last SR and the round-trip time the sender computes from them', () => {
    const s = new ReceiverStatistics(5, 90000);
    s.onPacket(1, 0, 0); s.onPacket(2, 0, 0);
    const srNtp = ntpTimeFromUnixMs(1_700_000_000_000);
    s.onSenderReport(srNtp, 500);
    const block = s.reportBlock(750); // held 250 ms
    expect(block.lastSenderReport).toBe(compactNtp(srNtp));
    expect(block.delaySinceLastSenderReport).toBe(Math.round(0.25 * 65536));
    // The SR left at T, the RR arrives at T + 40 ms link + 250 ms hold + 40 ms link.
    expect(roundTripTimeMs(block, 1_700_000_000_000 + 330)).toBeCloseTo(80, 0);
  });
});

describe('sender report timing (RFC 3550 §6.4.1)', () => {
  it('maps wall clock to NTP and RTP time, counts packets and octets', () => {
    const g = new SenderReportGenerator(0x99, 90000);
    g.onPacketSent(1000, 100, 1_700_000_000_000);
    g.onPacketSent(4000, 200, 1_700_000_000_033);
    const sr = g.senderReport(1_700_000_000_100);
    expect(sr).toMatchObject({ ssrc: 0x99, packetCount: 2, octetCount: 300, rtpTimestamp: 4000 + Math.round(67 * 90) });
    expect(unixMsFromNtpTime(sr.ntpTime)).toBeCloseTo(1_700_000_000_100, 3);
    expect(sr.ntpTime >> 32n).toBe(BigInt(1_700_000_000 + 2208988800));
  });
  it('sequence number arithmetic', () => {
    expect(sequenceNumberDiff(2, 65535)).toBe(3);
    expect(sequenceNumberDiff(65535, 2)).toBe(-3);
    const u = new SequenceNumberUnwrapper();
    expect([65534, 65535, 0, 65533, 1].map((s) => u.unwrap(s))).toEqual([65534, 65535, 65536, 65533, 65537]);
  });
});
