// RTP parse / serialize packets/s and VP8 packetize frames/s: ours beside werift, same inputs, one run.
import {
  parseRtcp, parseRtpPacket, serializeRtcp, serializeRtpPacket, Vp8Depacketizer, Vp8Packetizer, rtpPacketSize, type RtpPacket,
} from '@x/rtp';
import {
  RtcpPacketConverter, RtpHeader, RtpPacket as WeriftRtpPacket, Vp8Packetizer as WeriftVp8Packetizer, Vp8RtpPayload,
} from 'werift';
import type { BenchRow, Figure } from '../figure.js';

const RING = 1024;
const PAYLOAD = 1200;
const FRAME = 12_000; // a 10-packet VP8 frame, as a 720p delta frame at ~2 Mbps

/** Runs `round` (which handles `perRound` items) until `seconds` have passed; items per second. */
function rate(seconds: number, perRound: number, round: () => void): number {
  for (let i = 0; i < 3; i++) round(); // warm-up: let the JIT settle
  let count = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  do {
    round();
    count += perRound;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  } while (elapsed < seconds);
  return count / elapsed;
}

/** Packets as Chrome sends video: one-byte extensions mid, abs-send-time, transport-wide seq. */
function packets(): RtpPacket[] {
  return Array.from({ length: RING }, (_, i) => ({
    marker: i % 10 === 9,
    payloadType: 96,
    sequenceNumber: i,
    timestamp: Math.floor(i / 10) * 3000,
    ssrc: 0x12345678,
    csrcs: [],
    extensions: [
      { id: 1, value: Uint8Array.of(0x30) },
      { id: 2, value: Uint8Array.of(0x12, 0x34, 0x56) },
      { id: 3, value: Uint8Array.of(i >> 8, i & 0xff) },
    ],
    payload: Uint8Array.from({ length: PAYLOAD }, (_, k) => (k + i) & 0xff),
    paddingSize: 0,
  }));
}

const figure: Figure = async ({ quick }) => {
  const seconds = quick ? 0.1 : 1;
  const ours = packets();
  const wire = ours.map((p) => serializeRtpPacket(p));
  const wireBuffers = wire.map((b) => Buffer.from(b));
  const weriftPackets = wireBuffers.map((b) => WeriftRtpPacket.deSerialize(b));
  let sink = 0;

  const parseOurs = rate(seconds, RING, () => {
    for (let i = 0; i < RING; i++) sink += parseRtpPacket(wire[i]!).sequenceNumber;
  });
  const parseWerift = rate(seconds, RING, () => {
    for (let i = 0; i < RING; i++) sink += WeriftRtpPacket.deSerialize(wireBuffers[i]!).header.sequenceNumber;
  });
  const serializeOurs = rate(seconds, RING, () => {
    for (let i = 0; i < RING; i++) sink += serializeRtpPacket(ours[i]!).length;
  });
  // Into one reused buffer: the allocation-free path a transport uses before SRTP.
  const out = new Uint8Array(rtpPacketSize(ours[0]!) + 64);
  const serializeOursInto = rate(seconds, RING, () => {
    for (let i = 0; i < RING; i++) sink += serializeRtpPacket(ours[i]!, out).length;
  });
  const serializeWerift = rate(seconds, RING, () => {
    for (let i = 0; i < RING; i++) sink += weriftPackets[i]!.serialize().length;
  });

  const frame = Uint8Array.from({ length: FRAME }, (_, k) => (k * 31) & 0xff);
  frame[0] = 0x11;
  const frameBuffer = Buffer.from(frame);
  const FRAMES = 64;
  // Both sides produce RTP packet objects (header fields + payload), not yet serialized.
  const ourPacketizer = new Vp8Packetizer({ maxPayloadSize: PAYLOAD });
  let seq = 0;
  const vp8Ours = rate(seconds, FRAMES, () => {
    for (let f = 0; f < FRAMES; f++) {
      const payloads = ourPacketizer.packetize(frame);
      for (let i = 0; i < payloads.length; i++) {
        const p: RtpPacket = {
          marker: i === payloads.length - 1, payloadType: 96, sequenceNumber: seq, timestamp: f * 3000, ssrc: 1,
          csrcs: [], extensions: [], payload: payloads[i]!, paddingSize: 0,
        };
        seq = (seq + 1) & 0xffff;
        sink += p.payload.length;
      }
    }
  });
  const weriftPacketizer = new WeriftVp8Packetizer({ maxPayloadSize: PAYLOAD, ssrc: 1, payloadType: 96 });
  const vp8Werift = rate(seconds, FRAMES, () => {
    for (let f = 0; f < FRAMES; f++) sink += weriftPacketizer.packetize(frameBuffer, f * 3000).length;
  });
  // Depacketize: the payloads of one frame back into the frame (werift: descriptor parse per
  // payload, then the frame is the concatenation of the parsed payloads).
  const framePayloads = new Vp8Packetizer({ maxPayloadSize: PAYLOAD }).packetize(frame);
  const framePayloadBuffers = framePayloads.map((p) => Buffer.from(p));
  const depacketizer = new Vp8Depacketizer();
  const vp8DepacketizeOurs = rate(seconds, FRAMES, () => {
    for (let f = 0; f < FRAMES; f++) sink += depacketizer.depacketize(framePayloads).length;
  });
  const vp8DepacketizeWerift = rate(seconds, FRAMES, () => {
    for (let f = 0; f < FRAMES; f++) sink += Buffer.concat(framePayloadBuffers.map((b) => Vp8RtpPayload.deSerialize(b).payload)).length;
  });

  // RTCP: a compound SR (one report block) + SDES CNAME, as every sender sends each second.
  const compound = serializeRtcp([
    { type: 'sr', ssrc: 1, ntpTime: 0xe5f0e2a180000000n, rtpTimestamp: 1, packetCount: 2, octetCount: 3,
      reports: [{ ssrc: 2, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 4, jitter: 5, lastSenderReport: 6, delaySinceLastSenderReport: 7 }] },
    { type: 'sdes', chunks: [{ source: 1, items: [{ type: 1, text: '{6b1d3c2e-1f0a-4e6b-9d2c-1234567890ab}' }] }] },
  ]);
  const compoundBuffer = Buffer.from(compound);
  const rtcpOurs = rate(seconds, RING, () => {
    for (let i = 0; i < RING; i++) sink += parseRtcp(compound).length;
  });
  const rtcpWerift = rate(seconds, RING, () => {
    for (let i = 0; i < RING; i++) sink += RtcpPacketConverter.deSerialize(compoundBuffer).length;
  });
  if (sink === -1) console.log(sink, RtpHeader.name); // keep the results observable

  return [
    { figure: 'RTP parse, 1200 B payload, 3 one-byte extensions', unit: 'packets/s', higherIsBetter: true, ours: parseOurs, anchors: { werift: parseWerift } },
    { figure: 'RTP serialize (new buffer), 1200 B, 3 extensions', unit: 'packets/s', higherIsBetter: true, ours: serializeOurs, anchors: { werift: serializeWerift } },
    { figure: 'RTP serialize into a reused buffer, 1200 B', unit: 'packets/s', higherIsBetter: true, ours: serializeOursInto, anchors: { werift: serializeWerift } },
    { figure: `VP8 packetize, ${FRAME} B frame into 1200 B packets`, unit: 'frames/s', higherIsBetter: true, ours: vp8Ours, anchors: { werift: vp8Werift } },
    { figure: `VP8 depacketize, ${FRAME} B frame from 1200 B payloads`, unit: 'frames/s', higherIsBetter: true, ours: vp8DepacketizeOurs, anchors: { werift: vp8DepacketizeWerift } },
    { figure: 'RTCP parse, compound SR (1 block) + SDES CNAME', unit: 'packets/s', higherIsBetter: true, ours: rtcpOurs, anchors: { werift: rtcpWerift } },
  ] satisfies BenchRow[];
};

export default figure;
