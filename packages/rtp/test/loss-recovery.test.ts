import { describe, expect, it } from 'vitest';
import {
  Vp8Packetizer, Vp8Depacketizer, H264Packetizer, H264Depacketizer, Vp9Packetizer, Vp9Depacketizer, Av1Packetizer,
  Av1Depacketizer, OpusPacketizer, OpusDepacketizer, JitterBuffer, NackGenerator, RetransmissionBuffer, parseRtpPacket,
  serializeRtpPacket, unwrapRtx, parseRtcp, serializeRtcp,
} from '../src/index.js';
import type { RtpDepacketizer, RtpPacketizer } from '../src/index.js';
import { annexB, readH264AccessUnits, readIvf, readOpusPackets, vector } from './containers.js';
import { toHex } from './helpers.js';
import { mulberry32 } from '@x/testing';

const MEDIA_SSRC = 0x1111;
const RTX_SSRC = 0x2222;
const PT = 96;
const RTX_PT = 97;

interface Outcome {
  frames: Uint8Array[];
  dropped: number;
  retransmitted: number;
  keyframeWaits: number;
}

/**
 * The clip is followed by a few more frames that are not checked: loss of a clip's last packets is
 * only visible to the receiver once later packets arrive.
 *
 * Sender → lossy, reordering link (one-way 20 ms) → receiver, with NACK over RTCP back and RTX
 * answers from the retransmission buffer, on a simulated millisecond clock.
 */
function simulate(clip: Uint8Array[], packetizer: RtpPacketizer, depacketizer: RtpDepacketizer, seed: number, video = true, lossRate = 0.05): Outcome {
  const frames = [...clip, ...clip.slice(0, 3)];
  const rand = mulberry32(seed);
  const history = new RetransmissionBuffer(1024, { ssrc: RTX_SSRC, payloadType: RTX_PT }, 500);
  const jb = new JitterBuffer({ depacketizer, video });
  const nack = new NackGenerator({ maxRetries: 20 });
  const toReceiver: { at: number; bytes: Uint8Array }[] = [];
  const toSender: { at: number; bytes: Uint8Array }[] = [];
  let dropped = 0;
  let first = true;
  const send = (queue: typeof toReceiver, now: number, bytes: Uint8Array, lossy: boolean): void => {
    // The very first packet is never dropped: a receiver cannot NACK what it never knew existed
    // (a real one would send PLI). Everything after it is fair game.
    if (lossy && !first && rand() < lossRate) { dropped++; return; }
    first = false;
    queue.push({ at: now + 20 + (rand() < 0.1 ? 3 : 0), bytes }); // some packets overtake others
  };
  const out: Uint8Array[] = [];
  let seq = 65500; // crosses the 16-bit wrap
  const frameInterval = video ? 66 : 20;
  const end = frames.length * frameInterval + 2000;
  for (let now = 0; now < end; now++) {
    if (now % frameInterval === 0 && now / frameInterval < frames.length) {
      const n = now / frameInterval;
      const payloads = packetizer.packetize(frames[n]!);
      payloads.forEach((payload, i) => {
        const bytes = serializeRtpPacket({
          marker: i === payloads.length - 1, payloadType: PT, sequenceNumber: seq, timestamp: (n * 3000 + 0xfffff000) >>> 0,
          ssrc: MEDIA_SSRC, csrcs: [], extensions: [], payload, paddingSize: 0,
        });
        seq = (seq + 1) & 0xffff;
        history.store(bytes);
        send(toReceiver, now, bytes, true);
      });
    }
    // Sender: answer NACKs.
    for (let i = toSender.length - 1; i >= 0; i--) {
      if (toSender[i]!.at > now) continue;
      const [item] = toSender.splice(i, 1);
      for (const p of parseRtcp(item!.bytes)) {
        if (p.type === 'nack') for (const r of history.answer(p.lost)) send(toReceiver, now, r, true);
      }
    }
    // Receiver: take what arrived, in arrival order.
    const arrived = toReceiver.filter((x) => x.at <= now);
    for (const item of arrived) {
      toReceiver.splice(toReceiver.indexOf(item), 1);
      let pkt = parseRtpPacket(item.bytes);
      if (pkt.payloadType === RTX_PT) pkt = unwrapRtx(pkt, { ssrc: MEDIA_SSRC, payloadType: PT });
      nack.onPacket(pkt.sequenceNumber);
      jb.insert(pkt);
      for (let f = jb.pop(); f; f = jb.pop()) out.push(depacketizer.depacketize(f.payloads));
    }
    const decision = nack.poll(now, 40);
    if (decision.lost.length) jb.markLost(decision.lost);
    if (decision.nack.length) {
      send(toSender, now, serializeRtcp([{ type: 'nack', senderSsrc: 1, mediaSsrc: MEDIA_SSRC, lost: decision.nack }]), true);
    }
    for (let f = jb.pop(); f; f = jb.pop()) out.push(depacketizer.depacketize(f.payloads));
  }
  return { frames: out.slice(0, clip.length), dropped, retransmitted: history.stats.retransmitted, keyframeWaits: jb.stats.keyframeWaits };
}

const cases: [string, () => Uint8Array[], () => RtpPacketizer, RtpDepacketizer][] = [
  ['VP8', () => readIvf(vector('vp8.ivf')).frames, () => new Vp8Packetizer(), new Vp8Depacketizer()],
  ['VP9', () => readIvf(vector('vp9.ivf')).frames, () => new Vp9Packetizer(), new Vp9Depacketizer()],
  ['H.264', () => readH264AccessUnits(vector('h264.h264')).map(annexB), () => new H264Packetizer(), new H264Depacketizer()],
  ['AV1', () => readIvf(vector('av1.ivf')).frames, () => new Av1Packetizer(), new Av1Depacketizer()],
];

describe('packetize → 5 % loss with NACK/RTX recovery → jitter buffer → depacketize', () => {
  for (const [name, load, makePacketizer, depacketizer] of cases) {
    it(`${name}: every real frame comes back bit-exact, in order`, () => {
      const frames = load();
      // Repeat the clip so there are a few hundred packets and the loss really bites.
      const clip = [...frames, ...frames, ...frames];
      for (const seed of [1, 2, 3]) {
        const r = simulate(clip, makePacketizer(), depacketizer, seed);
        expect(r.dropped).toBeGreaterThan(0);
        expect(r.retransmitted).toBeGreaterThan(0);
        expect(r.keyframeWaits).toBe(0);
        expect(r.frames.length).toBe(clip.length);
        r.frames.forEach((f, i) => expect(toHex(f), `${name} frame ${i} seed ${seed}`).toBe(toHex(clip[i]!)));
      }
    });
  }
  it('Opus: every packet comes back, in order', () => {
    const packets = readOpusPackets(vector('opus.ogg'));
    const r = simulate(packets, new OpusPacketizer(), new OpusDepacketizer(), 9, false, 0.1);
    expect(r.dropped).toBeGreaterThan(0);
    expect(r.frames.map(toHex)).toEqual(packets.map(toHex));
  });
});
