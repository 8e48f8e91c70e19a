/**
 * RFC 4733 telephone-events: the payload layout of §2.3 byte for byte, the sender's packets for
 * one event on a simulated clock (marker on the first, the fixed timestamp, durations, the end
 * packet three times, long events in segments), the receiver reporting each event once, RFC 6465
 * csrc levels and the W3C linear level; fuzzed: only RtpError comes out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, mutatedPacket } from '@x/testing';
import {
  OpusDepacketizer, RtpError, parseRtpPacket, RtpReceiveStream, serializeRtpPacket, TelephoneEventReceiver, TelephoneEventSender, audioLevelToLinear, dtmfEventCode, dtmfTone, linearToAudioLevel,
  parseCsrcAudioLevels, parseTelephoneEvent, serializeCsrcAudioLevels, serializeTelephoneEvent, type TelephoneEventPacket,
} from '../src/index.js';

describe('telephone-event payload (RFC 4733 §2.3)', () => {
  it('event, E bit, R bit zero, volume and 16-bit duration', () => {
    // Digit 5, end, −10 dBm0, 800 units (100 ms at 8 kHz).
    expect([...serializeTelephoneEvent({ event: 5, end: true, volume: 10, duration: 800 })]).toEqual([0x05, 0x8a, 0x03, 0x20]);
    expect(parseTelephoneEvent(Uint8Array.of(0x0b, 0x3f, 0xff, 0xff))).toEqual({ event: 11, end: false, volume: 63, duration: 0xffff });
    // The R bit is ignored on receipt.
    expect(parseTelephoneEvent(Uint8Array.of(0x01, 0x40 | 0x07, 0, 160))).toEqual({ event: 1, end: false, volume: 7, duration: 160 });
  });

  it('DTMF tones map to codes 0–15 (RFC 4733 §3.2)', () => {
    expect([...'0123456789*#ABCD'].map(dtmfEventCode)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(dtmfEventCode('a')).toBe(12);
    expect(dtmfEventCode(',')).toBeUndefined();
    expect(dtmfEventCode('12')).toBeUndefined();
    expect(dtmfTone(11)).toBe('#');
    expect(dtmfTone(16)).toBeUndefined();
  });

  it('rejects short payloads and out-of-range fields with RtpError', () => {
    for (const n of [0, 1, 3]) expect(() => parseTelephoneEvent(new Uint8Array(n))).toThrow(RtpError);
    expect(() => serializeTelephoneEvent({ event: 256, end: false, volume: 0, duration: 0 })).toThrow(RtpError);
    expect(() => serializeTelephoneEvent({ event: 1, end: false, volume: 64, duration: 0 })).toThrow(RtpError);
    expect(() => serializeTelephoneEvent({ event: 1, end: false, volume: 0, duration: 0x10000 })).toThrow(RtpError);
  });
});

/** Polls the sender every ms from `from` to `to`, recording when each packet came out. */
function run(s: TelephoneEventSender, from: number, to: number): Array<TelephoneEventPacket & { at: number }> {
  const out: Array<TelephoneEventPacket & { at: number }> = [];
  for (let t = from; t <= to; t++) for (const p of s.poll(t)) out.push({ ...p, at: t });
  return out;
}

describe('TelephoneEventSender on a simulated clock', () => {
  it('100 ms at 8 kHz: a marked packet at once, then the end packet three times at 50 ms', () => {
    const s = new TelephoneEventSender({ clockRate: 8000 });
    s.start(1, 100, 12345, 1000);
    expect(s.nextDeadline).toBe(1000);
    const packets = run(s, 1000, 1300);
    expect(packets.map((p) => [p.at, p.marker, p.timestamp, p.value.duration, p.value.end])).toEqual([
      [1000, true, 12345, 400, false],
      [1050, false, 12345, 800, true],
      [1050, false, 12345, 800, true],
      [1050, false, 12345, 800, true],
    ]);
    expect(packets.every((p) => p.value.event === 1 && p.value.volume === 10)).toBe(true);
    expect(s.active).toBe(false);
    expect(s.nextDeadline).toBeUndefined();
  });

  it('a duration between intervals ends with the exact duration; 48 kHz units', () => {
    const s = new TelephoneEventSender({ clockRate: 48000 });
    s.start(11, 120, 0xfffffff0, 0);
    const packets = run(s, 0, 500);
    expect(packets.map((p) => [p.at, p.value.duration, p.value.end])).toEqual([
      [0, 2400, false], [50, 4800, false], [100, 5760, true], [100, 5760, true], [100, 5760, true],
    ]);
    expect(packets.filter((p) => p.marker).length).toBe(1);
    expect(new Set(packets.map((p) => p.timestamp))).toEqual(new Set([0xfffffff0]));
  });

  it('a late poll catches up on the packets that were due, in order', () => {
    const s = new TelephoneEventSender({ clockRate: 8000 });
    s.start(2, 200, 0, 0);
    const packets = s.poll(500);
    expect(packets.map((p) => p.value.duration)).toEqual([400, 800, 1200, 1600, 1600, 1600]);
  });

  it('a short event (under one interval) is its end packets, the first marked', () => {
    const s = new TelephoneEventSender({ clockRate: 8000 });
    s.start(0, 40, 7, 0);
    const packets = s.poll(0);
    expect(packets.map((p) => [p.marker, p.value.duration, p.value.end])).toEqual([[true, 320, true], [false, 320, true], [false, 320, true]]);
  });

  it('an event longer than 65535 units continues in a new segment (RFC 4733 §2.5.2.3)', () => {
    const s = new TelephoneEventSender({ clockRate: 48000 });
    s.start(3, 2000, 1000, 0); // 96000 units
    const packets = run(s, 0, 3000);
    const first = packets.filter((p) => p.timestamp === 1000);
    const second = packets.filter((p) => p.timestamp === 1000 + 0xffff);
    expect(first.length + second.length).toBe(packets.length);
    expect(first.at(-1)!.value).toMatchObject({ duration: 0xffff, end: false });
    expect(second.slice(-3).map((p) => p.value)).toEqual(Array(3).fill({ event: 3, end: true, volume: 10, duration: 96000 - 0xffff }));
    expect(packets.filter((p) => p.marker).length).toBe(1);
    // Durations never go down within a segment.
    for (const seg of [first, second]) for (let i = 1; i < seg.length; i++) expect(seg[i]!.value.duration).toBeGreaterThanOrEqual(seg[i - 1]!.value.duration);
  });

  it('start replaces an event in progress; cancel stops without end packets', () => {
    const s = new TelephoneEventSender({ clockRate: 8000 });
    s.start(1, 500, 0, 0);
    s.poll(0);
    s.start(2, 100, 800, 60);
    expect(s.poll(60)[0]).toMatchObject({ marker: true, timestamp: 800, value: { event: 2 } });
    s.cancel();
    expect(s.poll(1000)).toEqual([]);
    expect(() => s.start(256, 100, 0, 0)).toThrow(RtpError);
    expect(() => s.start(1, 0, 0, 0)).toThrow(RtpError);
  });
});

describe('TelephoneEventReceiver', () => {
  const feed = (r: TelephoneEventReceiver, packets: TelephoneEventPacket[]) => packets.map((p) => r.receive(p.timestamp, p.marker, p.payload)).filter((n) => n !== undefined);

  it('reports one begin and one end per event, whatever repeats', () => {
    const s = new TelephoneEventSender({ clockRate: 8000 });
    const r = new TelephoneEventReceiver();
    s.start(1, 160, 100, 0);
    const a = s.poll(1000);
    s.start(11, 100, 100 + 1600, 2000);
    const b = s.poll(3000);
    const notices = feed(r, [...a, ...a.slice(-1), ...b]);
    expect(notices.map((n) => [n.value.event, n.began, n.ended, n.duration])).toEqual([
      [1, true, false, 400], [1, false, true, 1280], [11, true, false, 400], [11, false, true, 800],
    ]);
  });

  it('an event whose first packets were lost still begins; a late packet of an old event is ignored', () => {
    const s = new TelephoneEventSender({ clockRate: 8000 });
    const r = new TelephoneEventReceiver();
    s.start(7, 200, 5000, 0);
    const packets = s.poll(1000);
    expect(feed(r, packets.slice(2)).map((n) => [n.began, n.ended])).toEqual([[true, false], [false, true]]);
    s.start(8, 100, 9000, 0);
    feed(r, s.poll(1000));
    expect(r.receive(5000, false, packets[0]!.payload)).toBeUndefined();
  });

  it('joins the segments of a long event into one, with the total duration', () => {
    const s = new TelephoneEventSender({ clockRate: 48000 });
    const r = new TelephoneEventReceiver();
    s.start(3, 3000, 0xffff0000, 0); // 144000 units: three segments, the timestamp wraps
    const notices = feed(r, s.poll(5000));
    expect(notices.map((n) => [n.began, n.ended, n.timestamp, n.duration])).toEqual([[true, false, 0xffff0000, 2400], [false, true, 0xffff0000, 144000]]);
  });

  it('a bad payload throws RtpError and changes nothing', () => {
    const r = new TelephoneEventReceiver();
    expect(() => r.receive(0, true, Uint8Array.of(1, 2))).toThrow(RtpError);
    expect(r.receive(0, true, serializeTelephoneEvent({ event: 4, end: false, volume: 10, duration: 160 }))?.began).toBe(true);
  });
});

describe('RtpReceiveStream.receiveOther: telephone-events between Opus packets on one SSRC', () => {
  it('count as received: no loss, no jitter from their fixed timestamp, and the next Opus frame is not held back', () => {
    const receiver = new RtpReceiveStream({ ssrc: 5, payloadType: 111, clockRate: 48000, depacketizer: new OpusDepacketizer(), localSsrc: 6, video: false });
    const packet = (seq: number, pt: number, timestamp: number, payload: Uint8Array): Uint8Array => serializeRtpPacket({
      marker: false, payloadType: pt, sequenceNumber: seq, timestamp, ssrc: 5, csrcs: [], extensions: [], payload, paddingSize: 0,
    });
    const frames: number[] = [];
    let seq = 100;
    let now = 0;
    const opus = (): void => {
      receiver.receiveRtp(packet(seq++, 111, now * 48, Uint8Array.of(0xfc, seq & 0xff)), now);
      frames.push(...receiver.takeFrames().map((f) => f.timestamp));
      now += 20;
    };
    for (let i = 0; i < 5; i++) opus();
    // A 100 ms event in four packets (update, end ×3), all stamped with the event's start.
    const start = now * 48;
    for (const [duration, end] of [[2400, false], [4800, true], [4800, true], [4800, true]] as const) {
      receiver.receiveOther(packet(seq++, 110, start, serializeTelephoneEvent({ event: 1, end, volume: 10, duration })), now);
      now += 25;
    }
    opus();
    expect(frames.at(-1)).toBe((now - 20) * 48);
    expect(frames.length).toBe(6);
    expect(receiver.reception).toEqual({ packetsLost: 0, jitter: 0 });
    // A packet of another SSRC or one that does not parse is counted and dropped.
    receiver.receiveOther(Uint8Array.of(1, 2, 3), now);
    expect(receiver.stats.malformed).toBe(1);
  });
});

describe('RFC 6465 csrc audio levels and the W3C linear level', () => {
  it('one level a CSRC, the reserved bit ignored, capped at the CSRC count', () => {
    expect(parseCsrcAudioLevels(Uint8Array.of(0x80 | 3, 127, 40), 2)).toEqual([3, 127]);
    expect([...serializeCsrcAudioLevels([0, 20, 127])]).toEqual([0, 20, 127]);
    expect(() => parseCsrcAudioLevels(new Uint8Array(0))).toThrow(RtpError);
    expect(() => serializeCsrcAudioLevels([128])).toThrow(RtpError);
    expect(() => serializeCsrcAudioLevels(new Array(16).fill(0))).toThrow(RtpError);
  });

  it('−dBov to linear: 10^(−level/20), 127 is silence (0), and back', () => {
    expect(audioLevelToLinear(0)).toBe(1);
    expect(audioLevelToLinear(20)).toBeCloseTo(0.1, 12);
    expect(audioLevelToLinear(6)).toBeCloseTo(0.501, 3);
    expect(audioLevelToLinear(127)).toBe(0);
    for (let level = 0; level <= 127; level++) expect(linearToAudioLevel(audioLevelToLinear(level))).toBe(level);
    expect(linearToAudioLevel(0)).toBe(127);
    expect(linearToAudioLevel(2)).toBe(0);
  });
});

describe('fuzzed', () => {
  const onlyRtpError = (f: () => unknown): void => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof RtpError)) throw e;
    }
  };

  it('parseTelephoneEvent and parseCsrcAudioLevels take any bytes: a value or RtpError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (b) => {
      onlyRtpError(() => parseTelephoneEvent(b));
      onlyRtpError(() => parseCsrcAudioLevels(b, b.length));
    }), fuzzParameters(3000));
  });

  it('serialize then parse gives the event back', () => {
    const event = fc.record({ event: fc.integer({ min: 0, max: 255 }), end: fc.boolean(), volume: fc.integer({ min: 0, max: 63 }), duration: fc.integer({ min: 0, max: 0xffff }) });
    fc.assert(fc.property(event, (e) => {
      expect(parseTelephoneEvent(serializeTelephoneEvent(e))).toEqual(e);
    }), fuzzParameters(1000));
  });

  it('mutated telephone-event RTP packets through parseRtpPacket and the receiver: only RtpError', () => {
    const s = new TelephoneEventSender({ clockRate: 8000 });
    s.start(9, 2000, 0x12345678, 0);
    const seeds = s.poll(3000).map((p, i) => serializeRtpPacket({
      marker: p.marker, payloadType: 101, sequenceNumber: i, timestamp: p.timestamp, ssrc: 7, csrcs: [], extensions: [{ id: 1, value: Uint8Array.of(0x85) }], payload: p.payload, paddingSize: 0,
    }));
    fc.assert(fc.property(fc.array(mutatedPacket(seeds), { minLength: 1, maxLength: 6 }), (packets) => {
      const r = new TelephoneEventReceiver();
      for (const bytes of packets) {
        onlyRtpError(() => {
          const p = parseRtpPacket(bytes);
          r.receive(p.timestamp, p.marker, p.payload);
        });
      }
    }), fuzzParameters(500));
  });

  it('the receiver takes any packet sequence: notices or RtpError, and an event ends at most once', () => {
    const packet = fc.record({ timestamp: fc.integer({ min: 0, max: 0xffffffff }), marker: fc.boolean(), payload: fc.uint8Array({ maxLength: 6 }) });
    fc.assert(fc.property(fc.array(packet, { maxLength: 30 }), (packets) => {
      const r = new TelephoneEventReceiver();
      const ended = new Set<number>();
      for (const p of packets) {
        onlyRtpError(() => {
          const n = r.receive(p.timestamp, p.marker, p.payload);
          if (n?.ended === true) {
            expect(ended.has(n.timestamp) && !n.began).toBe(false);
            ended.add(n.timestamp);
          }
        });
      }
    }), fuzzParameters(1000));
  });
});
