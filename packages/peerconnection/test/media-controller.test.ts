/**
 * The media controller sans-IO: two controllers joined by an in-test pipe that can lose packets,
 * with a simulated clock, configured from descriptions two socketless peers negotiated. Proves
 * NACK answered over RTX (RFC 4588) repairs a loss, SR then RR give a round-trip time, routing by
 * SSRC/payload type without the MID extension, and that garbage is counted, never thrown.
 */
import { readFileSync } from 'node:fs';
import { RtpExtensionUri, Vp8Packetizer, getRtpExtension, parseRtpPacket, parseSdesIdExtension, serializeRtpPacket, splitAnnexB } from '@x/rtp';
import { defaultAudioCapabilities, defaultVideoCapabilities, parse } from '@x/sdp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MediaController } from '../src/media-controller.js';
import { MediaStreamTrack, PeerConnectionFactory, type EncodedFrame } from '../src/index.js';
import { wireControllers, videoPair, vp8LikeFrames } from './controller-pipe.js';
import { negotiate, noNetwork } from './helpers.js';

/** H.264 access units of @x/rtp's libx264 vector, each as Annex B with 4-byte start codes. */
function h264AccessUnits(): Uint8Array[] {
  const units: Uint8Array[][] = [];
  let cur: Uint8Array[] = [];
  let sawSlice = false;
  for (const nal of splitAnnexB(new Uint8Array(readFileSync(new URL('../../rtp/test/vectors/h264.h264', import.meta.url))))) {
    const t = nal[0]! & 0x1f;
    const slice = t === 1 || t === 5;
    if (sawSlice && (t === 9 || t === 7 || t === 8 || t === 6 || (slice && (nal[1]! & 0x80) !== 0))) {
      units.push(cur);
      cur = [];
      sawSlice = false;
    }
    cur.push(nal);
    if (slice) sawSlice = true;
  }
  if (cur.length > 0) units.push(cur);
  return units.map((nals) => new Uint8Array(Buffer.concat(nals.flatMap((n) => [Buffer.from([0, 0, 0, 1]), Buffer.from(n)]))));
}

/** Socketless peers that offer H.264 (packetization-mode 1) alone. */
const h264Only = new PeerConnectionFactory({
  ice: { networkInterfaces: () => ({}) },
  codecs: {
    audio: defaultAudioCapabilities(),
    video: { ...defaultVideoCapabilities(), codecs: defaultVideoCapabilities().codecs.filter((c) => c.name === 'rtx' || c.parameters?.['packetization-mode'] === '1') },
  },
});

const frames0 = vp8LikeFrames(2);

describe('media controller (sans-IO)', () => {
  it('repairs a lost packet with NACK answered over RTX; SR and RR give a round-trip time', async () => {
    const { a, b, track } = await videoPair();
    const w = wireControllers(a, b, (_p, i) => i === 4);
    const got: EncodedFrame[] = [];
    b.getTransceivers()[0]!.receiver.track.onFrame = (f) => got.push(f);
    const sent = vp8LikeFrames(6);
    sent.forEach((f, i) => track.writeFrame(f, { timestamp: i * 33_333 }));
    w.flush();
    w.advance(400);
    expect(w.log.dropped).toBe(1);
    expect(got.map((f) => Buffer.from(f.data).equals(Buffer.from(sent[got.indexOf(f)]!)))).toEqual(sent.map(() => true));
    const sender = [...w.ca.senders.values()][0]![0]!;
    const receiver = [...w.cb.receivers.values()][0]![0]!;
    expect(sender.rtx).toBeDefined();
    expect(sender.counters.nackCount).toBeGreaterThanOrEqual(1);
    expect(sender.counters.retransmittedPacketsSent).toBeGreaterThanOrEqual(1);
    expect(receiver.counters.nackCount).toBeGreaterThanOrEqual(1);
    // Every original packet but the lost one arrived; the repair came on the RTX SSRC.
    expect(receiver.counters.packetsReceived).toBe(sender.counters.packetsSent - 1);
    w.advance(2100);
    expect(sender.stream.rttMs).toBeDefined();
    a.close();
    b.close();
  });

  it('simulcast: layers routed by mid + rid; a loss on one is repaired over its RTX SSRC with repaired-rtp-stream-id', async () => {
    const a = noNetwork.createPeerConnection();
    const b = noNetwork.createPeerConnection();
    const track = new MediaStreamTrack('video');
    a.addTransceiver(track, { direction: 'sendonly', sendEncodings: [{ rid: 'lo' }, { rid: 'hi' }] });
    await negotiate(a, b);
    const wirePackets: Uint8Array[] = [];
    const w = wireControllers(a, b, (p, i) => {
      wirePackets.push(p.slice());
      return i === 7;
    });
    const got = new Map<string, EncodedFrame[]>();
    b.getTransceivers()[0]!.receiver.track.onFrame = (f) => void (got.get(f.rid!) ?? got.set(f.rid!, []).get(f.rid!)!).push(f);
    const sent = vp8LikeFrames(4);
    sent.forEach((f, i) => track.writeFrame(f, { timestamp: i * 33_333 }));
    w.flush();
    w.advance(400);
    expect(w.log.dropped).toBe(1);
    const hex = (x: Uint8Array): string => Buffer.from(x).toString('hex');
    for (const rid of ['lo', 'hi']) expect(got.get(rid)?.map((f) => hex(f.data))).toEqual(sent.map(hex));
    const answer = parse(a.currentRemoteDescription!.sdp).media[0]!;
    const ridId = answer.extmaps.find((e) => e.uri === RtpExtensionUri.rid)!.id;
    const repairedId = answer.extmaps.find((e) => e.uri === RtpExtensionUri.repairedRid)!.id;
    const rtxPts = answer.codecs.filter((c) => c.name === 'rtx').map((c) => c.payloadType);
    const lost = parseRtpPacket(wirePackets[7]!);
    const lostRid = parseSdesIdExtension(getRtpExtension(lost, ridId)!);
    const layers = [...w.ca.senders.values()][0]!;
    expect(layers.map((l) => l.rid)).toEqual(['lo', 'hi']);
    const rtx = wirePackets.map((p) => parseRtpPacket(p)).filter((p) => rtxPts.includes(p.payloadType));
    expect(rtx.length).toBeGreaterThanOrEqual(1);
    for (const p of rtx) {
      expect(p.ssrc).toBe(layers.find((l) => l.rid === lostRid)!.rtx!.ssrc);
      expect(getRtpExtension(p, ridId)).toBeUndefined();
      expect(parseSdesIdExtension(getRtpExtension(p, repairedId)!)).toBe(lostRid);
    }
    // The receiver bound the RTX SSRC to the layer it repairs.
    const receivers = [...w.cb.receivers.values()][0]!;
    expect(receivers.find((r) => r.rid === lostRid)!.rtxSsrc).toBe(rtx[0]!.ssrc);
    a.close();
    b.close();
  });

  it('raw RTP written by the application is kept for NACK: a lost one is repaired, and frames continue its sequence', async () => {
    const { a, b, track } = await videoPair();
    const w = wireControllers(a, b, (_p, i) => i === 2);
    const got: EncodedFrame[] = [];
    b.getTransceivers()[0]!.receiver.track.onFrame = (f) => got.push(f);
    const sent = vp8LikeFrames(3);
    const packetizer = new Vp8Packetizer({ pictureId: 1 });
    let seq = 500;
    sent.slice(0, 2).forEach((f, i) => {
      const payloads = packetizer.packetize(f);
      payloads.forEach((payload, k) => track.writeRtp(serializeRtpPacket({
        marker: k === payloads.length - 1, payloadType: 100, sequenceNumber: seq++, timestamp: i * 3000, ssrc: 1234, csrcs: [], extensions: [], payload, paddingSize: 0,
      })));
    });
    // A frame after the raw packets continues their sequence space.
    track.writeFrame(sent[2]!, { timestamp: 2 * 33_333 });
    w.flush();
    w.advance(400);
    expect(w.log.dropped).toBe(1);
    expect(got.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(sent.map((f) => Buffer.from(f).toString('hex')));
    const sender = [...w.ca.senders.values()][0]![0]!;
    expect(sender.counters.retransmittedPacketsSent).toBeGreaterThanOrEqual(1);
    a.close();
    b.close();
  });

  it('carries H.264 access units (STAP-A, FU-A) bit-exact when H.264 is negotiated', async () => {
    const { a, b, track } = await videoPair(h264Only);
    const w = wireControllers(a, b, () => false);
    const got: EncodedFrame[] = [];
    b.getTransceivers()[0]!.receiver.track.onFrame = (f) => got.push(f);
    const units = h264AccessUnits();
    expect(units.length).toBeGreaterThan(5);
    units.forEach((u, i) => track.writeFrame(u, { timestamp: i * 33_333 }));
    w.advance(1000); // written at once, they leave paced
    expect(got.map((f) => f.mimeType)).toEqual(units.map(() => 'video/H264'));
    expect(got.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(units.map((u) => Buffer.from(u).toString('hex')));
    expect(got[0]!.keyframe).toBe(true);
    a.close();
    b.close();
  });

  it('routes by SSRC and payload type when the MID extension is not negotiated, and counts garbage', async () => {
    const a = noNetwork.createPeerConnection();
    const b = noNetwork.createPeerConnection();
    const track = new MediaStreamTrack('audio');
    a.addTrack(track);
    await a.setLocalDescription();
    // The peer offers no header extensions at all.
    const sdp = a.localDescription!.sdp.split('\r\n').filter((l) => !l.startsWith('a=extmap:')).join('\r\n');
    await b.setRemoteDescription({ type: 'offer', sdp });
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    const w = wireControllers(a, b, () => false);
    const got: Uint8Array[] = [];
    const iterated = b.getTransceivers()[0]!.receiver.track.frames();
    b.getTransceivers()[0]!.receiver.track.onFrame = (f) => got.push(f.data);
    const packets = [new Uint8Array([0xfc, 1, 2, 3]), new Uint8Array([0xfc, 4, 5, 6])];
    packets.forEach((p, i) => track.writeFrame(p, { timestamp: i * 20_000 }));
    w.flush();
    expect(got).toEqual(packets);
    // The async iterator sees the same frames, then ends with the track.
    expect((await iterated.next()).value?.data).toEqual(packets[0]);
    expect((await iterated.next()).value?.data).toEqual(packets[1]);
    const pending = iterated.next();
    b.close();
    expect((await pending).done).toBe(true);
    for (const junk of [new Uint8Array([0x80]), new Uint8Array(40).fill(0x90), new Uint8Array([0x80, 0xc8, 0, 9])]) {
      expect(() => w.cb.receive(junk, false)).not.toThrow();
      expect(() => w.cb.receive(junk, true)).not.toThrow();
    }
    expect(w.cb.stats.malformed + w.cb.stats.unroutedRtp).toBeGreaterThan(0);
    a.close();
  });

  it('random and mutated datagrams into the media path: nothing throws, frames still flow (fast-check)', async () => {
    const { a, b, track } = await videoPair();
    const w = wireControllers(a, b, () => false);
    let frames = 0;
    b.getTransceivers()[0]!.receiver.track.onFrame = () => frames++;
    track.writeFrame(frames0[0]!, { timestamp: 0 });
    w.advance(100);
    const captured: Uint8Array[] = [];
    const ca = new MediaController({ sendRtp: (p) => (captured.push(p.slice()), true), sendRtcp: () => true, now: () => 0 }, 'x', { pacing: false });
    ca.configure(a.getTransceivers(), parse(a.currentLocalDescription!.sdp), parse(a.currentRemoteDescription!.sdp), 'remote');
    track.writeFrame(frames0[1]!, { timestamp: 33_333 });
    const seed = captured[0]!;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 1500 }),
          fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, v]) => { const m = seed.slice(); m[i] = v; return m; }),
          fc.nat(seed.length).map((n) => seed.slice(0, n)),
        ),
        fc.boolean(),
        (d, rtcp) => {
          w.cb.receive(d, rtcp);
        },
      ),
      { seed: 7, numRuns: 400 },
    );
    expect(frames).toBe(1);
    a.close();
    b.close();
  });
});
