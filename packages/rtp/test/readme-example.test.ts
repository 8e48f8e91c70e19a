// The README example, verbatim but for the import path, run on real VP8 frames.
import { expect, it } from 'vitest';
import { readIvf, vector } from './containers.js';
import { toHex } from './helpers.js';
import {
  Vp8Packetizer, Vp8Depacketizer, JitterBuffer, NackGenerator, RetransmissionBuffer,
  serializeRtpPacket, parseRtpPacket, parseRtcp, serializeRtcp, unwrapRtx,
} from '../src/index.js';

// Sender: split a VP8 frame into RTP packets, keep copies for NACKs (answered over RTX).
const packetizer = new Vp8Packetizer();              // 1200-byte payloads, 15-bit PictureID
const history = new RetransmissionBuffer(1024, { ssrc: 0x2222, payloadType: 97 });
let seq = 0;
function sendFrame(frame: Uint8Array, timestamp: number, send: (b: Uint8Array) => void) {
  const payloads = packetizer.packetize(frame);
  payloads.forEach((payload, i) => {
    const bytes = serializeRtpPacket({
      marker: i === payloads.length - 1, payloadType: 96, sequenceNumber: seq++ & 0xffff,
      timestamp, ssrc: 0x1111, csrcs: [], extensions: [], payload, paddingSize: 0,
    });
    history.store(bytes);
    send(bytes);
  });
}
function onSenderRtcp(datagram: Uint8Array, send: (b: Uint8Array) => void) {
  for (const p of parseRtcp(datagram)) if (p.type === 'nack') history.answer(p.lost).forEach(send);
}

// Receiver: reorder, ask for what is missing, rebuild frames.
const depacketizer = new Vp8Depacketizer();
const jitter = new JitterBuffer({ depacketizer });
const nack = new NackGenerator();
function onReceiverRtp(datagram: Uint8Array, decode: (frame: Uint8Array, key: boolean) => void) {
  let packet = parseRtpPacket(datagram);             // throws RtpError on bad input: count and drop
  if (packet.payloadType === 97) packet = unwrapRtx(packet, { ssrc: 0x1111, payloadType: 96 });
  nack.onPacket(packet.sequenceNumber);
  jitter.insert(packet);
  for (let f = jitter.pop(); f; f = jitter.pop()) decode(depacketizer.depacketize(f.payloads), f.keyframe);
}
function onReceiverTimer(nowMs: number, rttMs: number, sendRtcp: (b: Uint8Array) => void) {
  const { nack: ask, lost } = nack.poll(nowMs, rttMs);
  jitter.markLost(lost);
  if (ask.length) sendRtcp(serializeRtcp([{ type: 'nack', senderSsrc: 1, mediaSsrc: 0x1111, lost: ask }]));
  if (jitter.needsKeyframe) sendRtcp(serializeRtcp([{ type: 'pli', senderSsrc: 1, mediaSsrc: 0x1111 }]));
}

it('the README example delivers every frame and answers a NACK', () => {
  const frames = readIvf(vector('vp8.ivf')).frames;
  const got: Uint8Array[] = [];
  const toReceiver: Uint8Array[] = [];
  const toSender: Uint8Array[] = [];
  frames.forEach((frame, n) => sendFrame(frame, n * 3000, (b) => { if (n !== 3) toReceiver.push(b); }));
  for (const d of toReceiver.splice(0)) onReceiverRtp(d, (f) => got.push(f));
  onReceiverTimer(0, 50, (b) => toSender.push(b)); // frame 3 is missing: NACK
  for (const d of toSender.splice(0)) onSenderRtcp(d, (b) => toReceiver.push(b));
  for (const d of toReceiver.splice(0)) onReceiverRtp(d, (f) => got.push(f));
  expect(got.map(toHex)).toEqual(frames.map(toHex));
});
