/**
 * Pacing, sans-IO: two media controllers over the in-test pipe with a simulated clock
 * (`controller-pipe.ts`; time passes in 20 ms controller ticks). A keyframe-sized frame's packets
 * leave spread at the pacing rate rather than in one tick, audio written meanwhile is not held
 * behind them, a repair jumps the video queue, outbound-rtp counts packets as they leave, and
 * every frame still arrives bit-exact. Then the paced sender alone: the rate follows the
 * send-side estimate, and its timer exists only while packets wait and is gone after close.
 */
import { SendSideBandwidthEstimator } from '@x/rtp';
import { describe, expect, it } from 'vitest';
import { MIN_PACING_RATE, PACING_FACTOR, PacedSender } from '../src/paced-sender.js';
import { MediaStreamTrack, type EncodedFrame } from '../src/index.js';
import { videoPair, vp8LikeFrames, wireControllers } from './controller-pipe.js';
import { negotiate, noNetwork } from './helpers.js';

/** A VP8-like keyframe of about 60 packets (70 KB of varied bytes, keyframe tag P=0). */
function keyframe(bytes = 70_000): Uint8Array {
  const f = new Uint8Array(bytes).map((_, k) => (k * 31 + (k >> 8)) & 0xff);
  f[0] = 0x10;
  return f;
}
const delta = (i: number): Uint8Array => {
  const f = vp8LikeFrames(2)[1]!.slice(0, 2500);
  f[1] = i;
  return f;
};
const ssrcOf = (p: Uint8Array): number => ((p[8]! << 24) | (p[9]! << 16) | (p[10]! << 8) | p[11]!) >>> 0;

describe('pacing (sans-IO)', () => {
  it('a keyframe leaves spread at the pacing rate, not in one tick; frames arrive bit-exact; stats count what left', async () => {
    const { a, b, track } = await videoPair();
    const departures: Array<{ at: number; size: number }> = [];
    const w = wireControllers(a, b, (p) => (departures.push({ at: w.now(), size: p.length }), false));
    const got: EncodedFrame[] = [];
    b.getTransceivers()[0]!.receiver.track.onFrame = (f) => got.push(f);
    const sender = [...w.ca.senders.values()][0]![0]!;
    const frames = [keyframe(), ...Array.from({ length: 10 }, (_, i) => delta(i))];
    track.writeFrame(frames[0]!, { timestamp: 0 });
    w.flush();
    const total = sender.counters.framesSent === 1 ? w.ca.pacedSender.queuedPackets + departures.length : -1;
    expect(total).toBeGreaterThanOrEqual(55);
    // Only the first burst left at once; outbound-rtp counts those and no more.
    expect(departures.length).toBeLessThan(5);
    expect(sender.counters.packetsSent).toBe(departures.length);
    const rate = w.ca.pacedSender.pacingRate;
    expect(rate).toBeGreaterThanOrEqual(MIN_PACING_RATE);
    for (let i = 1; i < frames.length; i++) {
      w.advance(40);
      expect(sender.counters.packetsSent).toBe(departures.length);
      track.writeFrame(frames[i]!, { timestamp: i * 33_333 });
    }
    w.advance(1000);
    expect(w.ca.pacedSender.queuedPackets).toBe(0);
    expect(got.map((f) => Buffer.from(f.data).equals(Buffer.from(frames[got.indexOf(f)]!)))).toEqual(frames.map(() => true));
    expect(got[0]!.keyframe).toBe(true);
    // The keyframe took about its size over the pacing rate, in many ticks.
    const keyframeBytes = departures.slice(0, total).reduce((n, d) => n + d.size, 0);
    const spread = departures[total - 1]!.at - departures[0]!.at;
    const expectedMs = (keyframeBytes * 8000) / rate;
    expect(spread).toBeGreaterThan(expectedMs * 0.7);
    expect(spread).toBeLessThan(expectedMs * 1.3 + 40);
    const perTick = new Map<number, number>();
    for (const d of departures) perTick.set(d.at, (perTick.get(d.at) ?? 0) + d.size);
    expect(perTick.size).toBeGreaterThan(10);
    // No tick carries more than its 20 ms at the rate, the 5 ms burst and one packet.
    const maxRate = Math.max(rate, w.ca.pacedSender.pacingRate);
    expect(Math.max(...perTick.values())).toBeLessThanOrEqual((maxRate / 8000) * 25 + 1300);
    expect(sender.counters.packetsSent).toBe(departures.length);
    expect([...w.cb.receivers.values()][0]![0]!.counters.packetsReceived).toBe(departures.length);
    expect(w.ca.pacedSender.stats).toMatchObject({ packetsDropped: 0, packetsRefused: 0 });
    a.close();
    b.close();
  });

  it('without pacing (factory pacing: false) the same keyframe leaves in one instant', async () => {
    const { a, b, track } = await videoPair();
    const departures: number[] = [];
    const w = wireControllers(a, b, () => (departures.push(w.now()), false), { pacing: false });
    track.writeFrame(keyframe(), { timestamp: 0 });
    w.flush();
    expect(departures.length).toBeGreaterThanOrEqual(55);
    expect(new Set(departures).size).toBe(1);
    a.close();
    b.close();
  });

  it('audio written while a keyframe drains leaves at once; a repair goes before queued video', async () => {
    const a = noNetwork.createPeerConnection();
    const b = noNetwork.createPeerConnection();
    const audio = new MediaStreamTrack('audio');
    const video = new MediaStreamTrack('video');
    a.addTrack(audio);
    a.addTrack(video);
    await negotiate(a, b);
    const departures: Array<{ at: number; p: Uint8Array }> = [];
    // The second video packet is lost: its NACK arrives while the keyframe is still draining.
    let videoIndex = 0;
    let videoSsrc = 0;
    const w = wireControllers(a, b, (p) => {
      departures.push({ at: w.now(), p });
      return ssrcOf(p) === videoSsrc && videoIndex++ === 1;
    });
    const [audioSender, videoSender] = [...w.ca.senders.values()].map((l) => l[0]!);
    videoSsrc = videoSender!.ssrc;
    const [audioIn, videoIn] = b.getTransceivers().map((t) => t.receiver.track);
    const gotAudio: EncodedFrame[] = [];
    const gotVideo: EncodedFrame[] = [];
    audioIn!.onFrame = (f) => gotAudio.push(f);
    videoIn!.onFrame = (f) => gotVideo.push(f);
    const big = keyframe(120_000);
    video.writeFrame(big, { timestamp: 0 });
    const opus = Array.from({ length: 15 }, (_, i) => new Uint8Array(80).fill(i + 1));
    const audioWrittenAt: number[] = [];
    for (let i = 0; i < opus.length; i++) {
      w.advance(20);
      expect(w.ca.pacedSender.queuedPackets).toBeGreaterThan(0); // video still waiting
      audioWrittenAt.push(w.now());
      audio.writeFrame(opus[i]!, { timestamp: i * 20_000 });
    }
    const audioLeft = departures.filter((d) => ssrcOf(d.p) === audioSender!.ssrc).map((d) => d.at);
    expect(audioLeft).toEqual(audioWrittenAt);
    w.advance(2000);
    expect(gotAudio.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(opus.map((o) => Buffer.from(o).toString('hex')));
    expect(gotVideo).toHaveLength(1);
    expect(Buffer.from(gotVideo[0]!.data).equals(Buffer.from(big))).toBe(true);
    // The repair (on the RTX SSRC) left while later video of the same keyframe was still queued.
    const rtxSsrc = videoSender!.rtx!.ssrc;
    const repairAt = departures.findIndex((d) => ssrcOf(d.p) === rtxSsrc);
    expect(repairAt).toBeGreaterThan(0);
    const videoAfterRepair = departures.slice(repairAt + 1).filter((d) => ssrcOf(d.p) === videoSsrc);
    expect(videoAfterRepair.length).toBeGreaterThan(10);
    expect(videoSender!.counters.retransmittedPacketsSent).toBe(departures.filter((d) => ssrcOf(d.p) === rtxSsrc).length);
    a.close();
    b.close();
  });
});

/** A drop-tail bottleneck on the simulated clock: `bitsPerSecond` drains a queue of at most `queueBytes`. */
function dropTail(bitsPerSecond: number, queueBytes: number, now: () => number): (p: Uint8Array) => boolean {
  let backlog = 0;
  let last = 0;
  return (p) => {
    backlog = Math.max(0, backlog - (bitsPerSecond / 8000) * (now() - last));
    last = now();
    if (backlog + p.length > queueBytes) return true;
    backlog += p.length;
    return false;
  };
}

describe('pacing through a drop-tail bottleneck (sans-IO)', () => {
  // apps/netem's relay at 4 Mbit/s keeps 100 ms = 50 KB; a 640x480 VP8 keyframe there was 214 KB.
  for (const pacing of [false, true]) {
    it(`a 214 KB keyframe into 4 Mbit/s with a 50 KB queue ${pacing ? 'arrives whole when paced' : 'loses its tail unpaced'}`, async () => {
      const { a, b, track } = await videoPair();
      let link: (p: Uint8Array) => boolean = () => false;
      const w = wireControllers(a, b, (p) => link(p), { pacing });
      link = dropTail(4_000_000, 50_000, w.now);
      const got: EncodedFrame[] = [];
      b.getTransceivers()[0]!.receiver.track.onFrame = (f) => got.push(f);
      const frames = [keyframe(214_000), ...Array.from({ length: 29 }, (_, i) => delta(i))];
      for (let i = 0; i < frames.length; i++) {
        track.writeFrame(frames[i]!, { timestamp: i * 33_333 });
        w.advance(40);
      }
      w.advance(3000);
      if (pacing) {
        expect(w.log.dropped).toBe(0);
        expect(got.map((f) => Buffer.from(f.data).equals(Buffer.from(frames[got.indexOf(f)]!)))).toEqual(frames.map(() => true));
      } else {
        // Everything past the first 50 KB of the burst is dropped; NACK then asks for it all at once.
        expect(w.log.dropped).toBeGreaterThan(100);
      }
      a.close();
      b.close();
    });
  }
});

describe('PacedSender', () => {
  const packet = (size = 1200): Uint8Array => {
    const p = new Uint8Array(size);
    p[0] = 0x80;
    return p;
  };

  it('paces at 2.5 × the send-side estimate when it is above what was written, else at 2.5 × the written rate, never under 1 Mbit/s', () => {
    let now = 0;
    let estimate: number | undefined;
    const sent: number[] = [];
    const tcc = { extensionId: 0, estimator: new SendSideBandwidthEstimator(), sequence: { next: 1 }, assignedOnSend: true };
    const paced = new PacedSender({ sendRtp: () => (sent.push(now), true), now: () => now }, tcc, () => undefined, () => estimate);
    const counted: Uint8Array[] = [];
    const onSent = (p: Uint8Array): void => void counted.push(p);
    paced.send(packet(), 'video', onSent);
    for (let i = 0; i < 9; i++) paced.send(packet(), 'video', onSent);
    expect(paced.pacingRate).toBe(MIN_PACING_RATE);
    estimate = 4_000_000;
    now = 20;
    paced.poll();
    expect(paced.pacingRate).toBe(PACING_FACTOR * 4_000_000);
    // 400 KB written in one go: the written rate (3.2 Mbit/s) × 2.5 is above the estimate's.
    estimate = 1_000_000;
    for (let i = 0; i < 333; i++) paced.send(packet(), 'video', onSent);
    expect(paced.pacingRate).toBeGreaterThan(PACING_FACTOR * 3_000_000);
    while (paced.queuedPackets > 0) {
      now += 5;
      paced.poll();
    }
    expect(counted).toHaveLength(343);
    expect(sent).toHaveLength(343);
    paced.close();
  });

  it('arms one timer only while packets wait, once started; close clears it', async () => {
    const tcc = { extensionId: 0, estimator: new SendSideBandwidthEstimator(), sequence: { next: 1 }, assignedOnSend: true };
    let sent = 0;
    const paced = new PacedSender({ sendRtp: () => (sent++, true), now: () => performance.now() }, tcc, () => undefined, () => undefined);
    for (let i = 0; i < 5; i++) paced.send(packet(), 'video', () => {});
    expect(paced.timerArmed).toBe(false); // not started (SRTP not keyed): the controller's tick polls
    paced.start();
    expect(paced.timerArmed).toBe(true);
    for (let i = 0; i < 25; i++) paced.send(packet(), 'video', () => {});
    // 36 KB at 1 Mbit/s: about 290 ms.
    await new Promise((r) => setTimeout(r, 800));
    expect(sent).toBe(30);
    expect(paced.timerArmed).toBe(false);
    for (let i = 0; i < 30; i++) paced.send(packet(), 'video', () => {});
    expect(paced.timerArmed).toBe(true);
    paced.close();
    expect(paced.timerArmed).toBe(false);
    expect(paced.queuedPackets).toBe(0);
    expect(paced.send(packet(), 'video', () => {})).toBe(false);
  });

  it('stamps transport-wide sequence numbers as packets leave and records the send then', () => {
    let now = 0;
    const estimator = new SendSideBandwidthEstimator();
    const recorded: Array<[number, number]> = [];
    estimator.onPacketSent = (seq, _size, at) => void recorded.push([seq, at]);
    const tcc = { extensionId: 3, estimator, sequence: { next: 7 }, assignedOnSend: true };
    let accept = false;
    const wire: Uint8Array[] = [];
    const paced = new PacedSender({ sendRtp: (p) => accept && (wire.push(p.slice()), true), now: () => now }, tcc, () => 3, () => undefined);
    // RTP with a one-byte extension block holding id 3, two bytes (placeholder 0).
    const rtp = (): Uint8Array => Uint8Array.from([0x90, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0xbe, 0xde, 0, 1, 0x31, 0, 0, 0, ...new Array(1100).fill(1)]);
    expect(paced.send(rtp(), 'video', () => {})).toBe(false); // refused (not keyed): no number used
    accept = true;
    for (let i = 0; i < 5; i++) paced.send(rtp(), 'video', () => {});
    while (paced.queuedPackets > 0) {
      now += 5;
      paced.poll();
    }
    expect(wire.map((p) => (p[17]! << 8) | p[18]!)).toEqual([7, 8, 9, 10, 11]);
    expect(recorded.map(([s]) => s)).toEqual([7, 8, 9, 10, 11]);
    expect(recorded.at(-1)![1]).toBeGreaterThan(0); // when it left, not when it was written
    paced.close();
  });
});
