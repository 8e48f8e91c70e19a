/**
 * RTCDTMFSender (webrtc-pc §7) and telephone-events on the wire, sans-IO. The DTMF sender alone on
 * a fake clock: validation and clamping with the spec's exceptions, the tone buffer, `tonechange`
 * in order (`,` and the final `''`), tones started `duration + interToneGap` apart and `,` pausing
 * 2 s. Then two media controllers over the in-test pipe (test/controller-pipe.ts) with one fake
 * clock for the pipe and the timers: `insertDTMF` gives RFC 4733 packets on the sender's SSRC and
 * sequence numbers with the negotiated payload type, marker on the first, one timestamp per
 * event, durations every 50 ms, the end packet three times, audio paused meanwhile, and the
 * other side's track fires `telephoneevent` per tone. RTCRtpReceiver sources (webrtc-pc §5.3)
 * from the level the sender wrote, and RFC 6465 CSRC levels, expiring after 10 s.
 */
import { RtpExtensionUri, parseRtpPacket, parseTelephoneEvent, serializeCsrcAudioLevels, serializeRtpPacket, serializeAudioLevel, type RtpPacket } from '@x/rtp';
import { parse } from '@x/sdp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RTCDTMFSender, type DtmfSenderHost, type DtmfTimers } from '../src/dtmf-sender.js';
import { RtpSources } from '../src/rtp-sources.js';
import { TelephoneEventPlayout } from '../src/dtmf-playout.js';
import { MediaStreamTrack, RTCDTMFToneChangeEvent, RTCTelephoneEventEvent } from '../src/index.js';
import { wireControllers } from './controller-pipe.js';
import { negotiate, noNetwork, opusPackets, thrown } from './helpers.js';

/** A fake clock's timers: `advance(ms)` runs what falls due, in order. */
function fakeTimers(): DtmfTimers & { now: () => number; advance: (ms: number) => void } {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout: (fn, ms) => (pending.set(++seq, { at: now + ms, fn }), seq),
    clearTimeout: (h) => void pending.delete(h as number),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...pending].filter(([, t]) => t.at <= end).sort((x, y) => x[1].at - y[1].at || x[0] - y[0])[0];
        if (due === undefined) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
  };
}

function dtmfAlone(state: { stopping?: boolean; sending?: boolean; negotiated?: boolean } = {}) {
  const timers = fakeTimers();
  const played: Array<{ at: number; event: number; durationMs: number }> = [];
  const s = { stopping: false, sending: true, negotiated: true, ...state };
  const playout = { playTone: (event: number, durationMs: number) => void played.push({ at: timers.now(), event, durationMs }) };
  const host: DtmfSenderHost = { stopping: () => s.stopping, sending: () => s.sending, playout: () => (s.negotiated ? playout : undefined) };
  const dtmf = new RTCDTMFSender(host, timers);
  const tones: Array<{ at: number; tone: string }> = [];
  dtmf.ontonechange = (e) => void tones.push({ at: timers.now(), tone: e.tone });
  return { dtmf, timers, played, tones, state: s };
}

describe('RTCDTMFSender (webrtc-pc §7) on a fake clock', () => {
  it('plays each tone for its duration, the next after the gap, and fires tonechange for each then ""', () => {
    const { dtmf, timers, played, tones } = dtmfAlone();
    dtmf.insertDTMF('1a#', 100, 70);
    expect(dtmf.toneBuffer).toBe('1A#');
    timers.advance(0);
    expect(dtmf.toneBuffer).toBe('A#');
    timers.advance(1000);
    expect(played).toEqual([{ at: 0, event: 1, durationMs: 100 }, { at: 170, event: 12, durationMs: 100 }, { at: 340, event: 11, durationMs: 100 }]);
    expect(tones).toEqual([{ at: 0, tone: '1' }, { at: 170, tone: 'A' }, { at: 340, tone: '#' }, { at: 510, tone: '' }]);
    expect(dtmf.toneBuffer).toBe('');
  });

  it('a comma pauses 2 s and fires tonechange with ","', () => {
    const { dtmf, timers, played, tones } = dtmfAlone();
    dtmf.insertDTMF('1,2', 50, 30);
    timers.advance(5000);
    expect(played.map((p) => [p.at, p.event])).toEqual([[0, 1], [2080, 2]]);
    expect(tones.map((t) => [t.at, t.tone])).toEqual([[0, '1'], [80, ','], [2080, '2'], [2160, '']]);
  });

  it('clamps duration to 40..6000 ms and the gap to at least 30 ms', () => {
    const { dtmf, timers, played } = dtmfAlone();
    dtmf.insertDTMF('12', 10, 5);
    timers.advance(1000);
    expect(played.map((p) => [p.at, p.durationMs])).toEqual([[0, 40], [70, 40]]);
    played.length = 0;
    dtmf.insertDTMF('3', 100_000, 70);
    timers.advance(10_000);
    expect(played.map((p) => p.durationMs)).toEqual([6000]);
  });

  it('insertDTMF while playing replaces the buffer and keeps the one playout running', () => {
    const { dtmf, timers, played, tones } = dtmfAlone();
    dtmf.insertDTMF('111', 100, 70);
    timers.advance(10);
    dtmf.insertDTMF('9', 200, 100);
    timers.advance(2000);
    // The tone playing keeps its time; the next one starts when the first task said, with the new duration.
    expect(played.map((p) => [p.at, p.event, p.durationMs])).toEqual([[0, 1, 100], [170, 9, 200]]);
    expect(tones.map((t) => t.tone)).toEqual(['1', '9', '']);
  });

  it('InvalidCharacterError for a character that is no tone; the buffer is unchanged', () => {
    const { dtmf } = dtmfAlone();
    for (const bad of ['1x', 'E', ' ', '1;2']) expect(thrown(() => dtmf.insertDTMF(bad))).toBe('InvalidCharacterError');
    expect(dtmf.toneBuffer).toBe('');
  });

  it('InvalidStateError (and canInsertDTMF false) when stopping, not sending, or without telephone-event', () => {
    for (const state of [{ stopping: true }, { sending: false }, { negotiated: false }]) {
      const { dtmf } = dtmfAlone(state);
      expect(dtmf.canInsertDTMF).toBe(false);
      expect(thrown(() => dtmf.insertDTMF('1'))).toBe('InvalidStateError');
    }
    expect(dtmfAlone().dtmf.canInsertDTMF).toBe(true);
  });

  it('stops when the transceiver stops: no more tones, no final event', () => {
    const { dtmf, timers, played, tones, state } = dtmfAlone();
    dtmf.insertDTMF('123');
    timers.advance(0);
    state.stopping = true;
    timers.advance(1000);
    expect(played.length).toBe(1);
    expect(tones.map((t) => t.tone)).toEqual(['1']);
  });

  it('RTCDTMFToneChangeEvent carries its tone', () => {
    expect(new RTCDTMFToneChangeEvent('tonechange', { tone: '5' }).tone).toBe('5');
    expect(new RTCDTMFToneChangeEvent('tonechange').tone).toBe('');
  });
});

afterEach(() => {
  vi.useRealTimers();
});

/** Two socketless peers negotiated with a→b audio, joined by the controller pipe; DTMF timers on the same fake clock. */
async function audioCall() {
  const a = noNetwork.createPeerConnection();
  const b = noNetwork.createPeerConnection();
  const track = new MediaStreamTrack('audio');
  const transceiver = a.addTransceiver(track, { direction: 'sendonly' });
  await negotiate(a, b);
  const times: number[] = [];
  const w = wireControllers(a, b, () => (times.push(w.now()), false), { pacing: false });
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  /** The pipe's 20 ms steps and the timers advance together (a timer due within a step runs at its end). */
  const step = (ms: number, each: (now: number) => void = () => undefined): void => {
    for (let t = 0; t < ms; t += 20) {
      each(w.now());
      w.advance(20);
      vi.advanceTimersByTime(20);
    }
  };
  const remote = b.getTransceivers()[0]!.receiver;
  const answer = parse(a.currentRemoteDescription!.sdp).media[0]!;
  return { a, b, track, transceiver, w, times, step, remote, answer };
}

describe('telephone-events on the wire (two media controllers, fake clock)', () => {
  it('insertDTMF: RFC 4733 packets on the audio SSRC and sequence, audio paused, tones surfacing on the other side', async () => {
    const { a, b, track, transceiver, w, times, step, remote, answer } = await audioCall();
    const te = answer.codecs.find((c) => c.name === 'telephone-event' && c.clockRate === 48000)!;
    expect(te.payloadType).toBe(110);
    const opusPt = answer.codecs.find((c) => c.name === 'opus')!.payloadType;
    const heard: RTCTelephoneEventEvent[] = [];
    remote.track.ontelephoneevent = (e) => void heard.push(e);
    const dtmf = transceiver.sender.dtmf!;
    expect(dtmf.canInsertDTMF).toBe(true);
    const toneChanges: string[] = [];
    dtmf.addEventListener('tonechange', (e) => toneChanges.push((e as RTCDTMFToneChangeEvent).tone));

    const opus = opusPackets();
    let frame = 0;
    const writeAudio = (): void => track.writeFrame(opus[frame % opus.length]!, { timestamp: frame++ * 20_000 });
    step(100, writeAudio);
    const toneAt = w.now();
    dtmf.insertDTMF('1#', 100, 70);
    vi.advanceTimersByTime(0); // the playout task queued now
    step(600, writeAudio);

    const wire = w.rtpToB.map((p, i) => ({ p: parseRtpPacket(p), at: times[i]! }));
    const events = wire.filter((x) => x.p.payloadType === te.payloadType);
    const audio = wire.filter((x) => x.p.payloadType === opusPt);
    // One SSRC, one sequence space with no gap or repeat.
    expect(new Set(wire.map((x) => x.p.ssrc))).toEqual(new Set([transceiver.sender.ssrc]));
    wire.forEach((x, i) => i > 0 && expect(x.p.sequenceNumber).toBe((wire[i - 1]!.p.sequenceNumber + 1) & 0xffff));

    const byTimestamp = new Map<number, Array<{ p: RtpPacket; at: number }>>();
    for (const x of events) byTimestamp.set(x.p.timestamp, [...(byTimestamp.get(x.p.timestamp) ?? []), x]);
    const tones = [...byTimestamp.values()];
    expect(tones.length).toBe(2);
    for (const [i, packets] of tones.entries()) {
      const payloads = packets.map((x) => parseTelephoneEvent(x.p.payload));
      expect(payloads.every((e) => e.event === [1, 11][i])).toBe(true);
      expect(packets.map((x) => x.p.marker)).toEqual(packets.map((_, k) => k === 0));
      // 100 ms at 48 kHz: 50 ms (2400) then the end, 4800, three times.
      expect(payloads.map((e) => [e.duration, e.end])).toEqual([[2400, false], [4800, true], [4800, true], [4800, true]]);
      // Every audio packet of the tone's 100 ms was held back: none left between its first and its end.
      const start = packets[0]!.at;
      expect(audio.filter((x) => x.at >= start && x.at < start + 100)).toEqual([]);
      // The event's timestamp continues the audio's clock.
      const before = audio.filter((x) => x.at <= start).at(-1)!;
      expect(((packets[0]!.p.timestamp - before.p.timestamp) | 0)).toBeGreaterThanOrEqual(0);
      expect(((packets[0]!.p.timestamp - before.p.timestamp) | 0)).toBeLessThanOrEqual(48 * 40);
    }
    // The first tone at once, the second duration + gap later (within the 20 ms timer step).
    expect(tones[0]![0]!.at - toneAt).toBeLessThanOrEqual(20);
    const apart = tones[1]![0]!.at - tones[0]![0]!.at;
    expect(apart).toBeGreaterThanOrEqual(170);
    expect(apart).toBeLessThanOrEqual(190);
    // Audio flows again after the tones.
    expect(audio.filter((x) => x.at > tones[1]![0]!.at + 120).length).toBeGreaterThan(5);
    expect(toneChanges).toEqual(['1', '#', '']);

    expect(heard.map((e) => [e.tone, e.event, e.volume])).toEqual([['1', 1, 10], ['#', 11, 10]]);
    expect(heard.map((e) => e.rtpTimestamp)).toEqual(tones.map((t) => t[0]!.p.timestamp));
    // The receiver counted the event packets with the audio.
    const receiver = [...w.cb.receivers.values()][0]![0]!;
    const sender = [...w.ca.senders.values()][0]![0]!;
    expect(receiver.counters.packetsReceived).toBe(sender.counters.packetsSent);
    // A telephone-event packet too short to parse is counted as discarded, never thrown.
    const discarded = receiver.counters.packetsDiscarded;
    const short = serializeRtpPacket({ ...wire.at(-1)!.p, payloadType: te.payloadType, sequenceNumber: (wire.at(-1)!.p.sequenceNumber + 1) & 0xffff, payload: Uint8Array.of(1, 2) });
    expect(() => w.cb.receive(short, false)).not.toThrow();
    expect(receiver.counters.packetsDiscarded).toBe(discarded + 1);
    expect(heard.length).toBe(2);
    // ...and in its RFC 3550 statistics: the event packets are not losses in its reports.
    expect(receiver.reception?.packetsLost).toBe(0);
    a.close();
    b.close();
  });

  it('a video sender has no dtmf; an answer without telephone-event leaves canInsertDTMF false', async () => {
    const a = noNetwork.createPeerConnection();
    const b = noNetwork.createPeerConnection();
    expect(a.addTransceiver('video').sender.dtmf).toBeNull();
    const t = a.addTransceiver(new MediaStreamTrack('audio'));
    expect(t.sender.dtmf!.canInsertDTMF).toBe(false);
    await a.setLocalDescription();
    await b.setRemoteDescription({ type: 'offer', sdp: a.localDescription!.sdp.replace(/^a=rtpmap:(110|126) telephone-event.*\r\n/gm, '').replace(/ 110 126/g, '') });
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    wireControllers(a, b);
    expect(t.currentDirection).toBe('sendonly');
    expect(t.sender.dtmf!.canInsertDTMF).toBe(false);
    expect(thrown(() => t.sender.dtmf!.insertDTMF('1'))).toBe('InvalidStateError');
    a.close();
    b.close();
  });

  it('through a real transceiver: sendable once negotiated; recvonly, stop() and close() make insertDTMF throw InvalidStateError', async () => {
    const a = noNetwork.createPeerConnection();
    const b = noNetwork.createPeerConnection();
    const t = a.addTransceiver(new MediaStreamTrack('audio'));
    expect(thrown(() => t.sender.dtmf!.insertDTMF('1'))).toBe('InvalidStateError');
    await negotiate(a, b);
    expect(t.sender.dtmf!.canInsertDTMF).toBe(true);
    t.sender.dtmf!.insertDTMF('abcd');
    expect(t.sender.dtmf!.toneBuffer).toBe('ABCD');
    t.direction = 'recvonly';
    await negotiate(a, b);
    expect(t.currentDirection).toBe('inactive'); // b sends nothing back
    expect(t.sender.dtmf!.canInsertDTMF).toBe(false);
    expect(thrown(() => t.sender.dtmf!.insertDTMF('1'))).toBe('InvalidStateError');
    t.direction = 'sendrecv';
    await negotiate(a, b);
    expect(t.sender.dtmf!.canInsertDTMF).toBe(true);
    t.stop();
    expect(thrown(() => t.sender.dtmf!.insertDTMF('1'))).toBe('InvalidStateError');
    const u = a.addTransceiver(new MediaStreamTrack('audio'));
    await negotiate(a, b);
    expect(u.sender.dtmf!.canInsertDTMF).toBe(true);
    a.close();
    expect(u.sender.dtmf!.canInsertDTMF).toBe(false);
    expect(thrown(() => u.sender.dtmf!.insertDTMF('1'))).toBe('InvalidStateError');
    b.close();
  });

  it('getSynchronizationSources reports the level the sender wrote (RFC 6464), as linear 0..1', async () => {
    const { a, b, track, w, remote, answer } = await audioCall();
    expect(answer.extmaps.some((e) => e.uri === RtpExtensionUri.audioLevel)).toBe(true);
    expect(remote.getSynchronizationSources()).toEqual([]);
    const opus = opusPackets();
    track.writeFrame(opus[0]!, { timestamp: 0, audioLevel: 0.5, voiceActivity: true });
    w.flush();
    const sent = parseRtpPacket(w.rtpToB.at(-1)!);
    const [source, ...others] = remote.getSynchronizationSources();
    expect(others).toEqual([]);
    expect(source!.source).toBe(sent.ssrc);
    expect(source!.rtpTimestamp).toBe(sent.timestamp);
    // 0.5 is 6 dBov on the wire (the nearest whole dB), read back as 10^(-6/20).
    expect(source!.audioLevel).toBeCloseTo(10 ** (-6 / 20), 12);
    const now = performance.timeOrigin + performance.now();
    expect(source!.timestamp).toBeLessThanOrEqual(now);
    expect(source!.timestamp).toBeGreaterThan(now - 10_000);
    // A frame without a level carries no extension: audioLevel is absent.
    track.writeFrame(opus[1]!, { timestamp: 20_000 });
    w.flush();
    expect(remote.getSynchronizationSources()[0]!.audioLevel).toBeUndefined();
    expect(remote.getContributingSources()).toEqual([]);
    a.close();
    b.close();
  });
});

describe('TelephoneEventPlayout timestamps', () => {
  it('an event starts on the audio clock, never before the previous event ended, and pauses the audio meanwhile', () => {
    let now = 0;
    const sent: Array<{ marker: boolean; timestamp: number; event: number }> = [];
    const base = 0xffffff00;
    const media = {
      now: () => now, audioClockRate: 48000, active: true, rtpTimestampBase: base,
      sendPayload: (_pt: number, marker: boolean, timestamp: number, payload: Uint8Array) => void sent.push({ marker, timestamp, event: payload[0]! }),
    };
    const p = new TelephoneEventPlayout(110, 48000, media);
    // No audio yet: the stream's base timestamp.
    p.playTone(1, 100);
    expect(sent[0]).toEqual({ marker: true, timestamp: base, event: 1 });
    expect(p.audioFrame(base, 50)).toBe(false);
    now = 200;
    expect(p.audioFrame((base + 960) >>> 0, 200)).toBe(true);
    // The application's timeline lags the clock: the event still starts after the first one ended.
    now = 210;
    p.playTone(2, 100);
    expect(sent.at(-1)).toEqual({ marker: true, timestamp: (base + 4800) >>> 0, event: 2 });
    // Later, the last frame's timestamp advanced by the time since it was written.
    now = 500;
    p.poll();
    expect(p.audioFrame((base + 20_000) >>> 0, 500)).toBe(true);
    now = 520;
    p.playTone(3, 100);
    expect(sent.at(-1)).toEqual({ marker: true, timestamp: (base + 20_000 + 960) >>> 0, event: 3 });
  });
});

describe('RtpSources (webrtc-pc §5.3), sans-IO', () => {
  const packet = (over: Partial<RtpPacket>): Uint8Array => serializeRtpPacket({
    marker: false, payloadType: 111, sequenceNumber: 1, timestamp: 1000, ssrc: 0x11111111, csrcs: [], extensions: [], payload: new Uint8Array(10), paddingSize: 0, ...over,
  });

  it('SSRC and CSRCs with RFC 6464 and RFC 6465 levels, most recent first, gone after 10 s', () => {
    const s = new RtpSources();
    s.ids = { ssrc: 1, csrc: 3 };
    s.onPacket(packet({ csrcs: [0xa, 0xb, 0xc], extensions: [{ id: 1, value: serializeAudioLevel({ level: 20, voiceActivity: false }) }, { id: 3, value: serializeCsrcAudioLevels([0, 127]) }] }), 5000);
    s.onPacket(packet({ ssrc: 0x22222222, timestamp: 7, extensions: [{ id: 1, value: serializeAudioLevel({ level: 127, voiceActivity: false }) }] }), 6000);
    expect(s.synchronizationSources(6000)).toEqual([
      { timestamp: 6000, source: 0x22222222, rtpTimestamp: 7, audioLevel: 0 },
      { timestamp: 5000, source: 0x11111111, rtpTimestamp: 1000, audioLevel: expect.closeTo(0.1, 12) },
    ]);
    // The third CSRC has no level in the extension.
    expect(s.contributingSources(6000)).toEqual([
      { timestamp: 5000, source: 0xa, rtpTimestamp: 1000, audioLevel: 1 },
      { timestamp: 5000, source: 0xb, rtpTimestamp: 1000, audioLevel: 0 },
      { timestamp: 5000, source: 0xc, rtpTimestamp: 1000 },
    ]);
    expect(s.synchronizationSources(15_000).length).toBe(2);
    expect(s.synchronizationSources(15_001).map((x) => x.source)).toEqual([0x22222222]);
    expect(s.contributingSources(15_001)).toEqual([]);
    expect(s.synchronizationSources(16_001)).toEqual([]);
  });

  it('two-byte header extensions too; extensions not negotiated are not read; garbage is ignored', () => {
    const s = new RtpSources();
    s.ids = { ssrc: 20 };
    s.onPacket(packet({ extensions: [{ id: 20, value: serializeAudioLevel({ level: 40, voiceActivity: true }) }, { id: 2, value: new Uint8Array(20) }] }), 1);
    expect(s.synchronizationSources(1)[0]!.audioLevel).toBeCloseTo(0.01, 12);
    const t = new RtpSources();
    t.onPacket(packet({ extensions: [{ id: 1, value: serializeAudioLevel({ level: 0, voiceActivity: true }) }] }), 1);
    expect(t.synchronizationSources(1)[0]!.audioLevel).toBeUndefined();
    const g = new RtpSources();
    g.ids = { ssrc: 1, csrc: 2 };
    for (let n = 0; n < 40; n++) g.onPacket(packet({ csrcs: [1, 2] }).subarray(0, n), 1);
    const bad = packet({ extensions: [{ id: 1, value: Uint8Array.of(5) }] });
    bad[15] = 0xff; // extension length past the end
    g.onPacket(bad, 2);
    expect(g.synchronizationSources(2).length).toBeLessThanOrEqual(1);
  });

  it('keeps at most 256 contributing sources however many CSRCs a peer names', () => {
    const s = new RtpSources();
    for (let i = 0; i < 1000; i++) s.onPacket(packet({ csrcs: [i * 3, i * 3 + 1, i * 3 + 2] }), i);
    const list = s.contributingSources(1000);
    // The newest 256: the sources of the last 86 packets.
    expect(list.length).toBe(256);
    expect(Math.min(...list.map((x) => x.source))).toBe(3000 - 256);
    expect(list[0]!.timestamp).toBe(999);
  });
});
