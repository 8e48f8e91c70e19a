/**
 * Media between two of our peers on 127.0.0.1: Opus and VP8 frames (real ones, from @x/rtp's
 * vectors) both ways over SRTP keyed from DTLS, bit-exact and in order; renegotiation adding a
 * track mid-call; PLI surfacing as a keyframe request; raw RTP; getStats' RTP entries.
 */
import { parse } from '@x/sdp';
import { describe, expect, it } from 'vitest';
import {
  MediaStream, MediaStreamTrack, type EncodedFrame, type RTCDataChannel, type RTCRtpReceiver, type RTCRtpTransceiver,
  type RTCStats, type RTCTrackEvent,
} from '../src/index.js';

type TrackEvent = RTCTrackEvent<RTCRtpReceiver, RTCRtpTransceiver, MediaStreamTrack, MediaStream>;
import { connected, loopbackPair as pair, negotiate, next, opusPackets, vp8Frames } from './helpers.js';

const vp8 = vp8Frames();
const opus = opusPackets();
const isVp8Keyframe = (f: Uint8Array): boolean => (f[0]! & 1) === 0;

/** Collects `n` frames of a remote track. */
function collect(track: MediaStreamTrack, n: number): Promise<EncodedFrame[]> {
  const got: EncodedFrame[] = [];
  return new Promise((resolve) => {
    track.onFrame = (f) => {
      got.push(f);
      if (got.length === n) resolve(got);
    };
  });
}

function sendVideo(track: MediaStreamTrack, frames: Uint8Array[], from = 0): void {
  frames.forEach((f, i) => track.writeFrame(f, { timestamp: (from + i) * 33_333, keyframe: isVp8Keyframe(f) }));
}
function sendAudio(track: MediaStreamTrack, packets: Uint8Array[]): void {
  packets.forEach((p, i) => track.writeFrame(p, { timestamp: i * 20_000 }));
}

function byType(report: ReadonlyMap<string, RTCStats>, type: string, kind?: string): RTCStats[] {
  return [...report.values()].filter((s) => s.type === type && (kind === undefined || s['kind'] === kind));
}

describe('media between two peers on loopback', () => {
  it('sends Opus and VP8 frames both ways, bit-exact and in order, with track events, streams and RTP stats', async () => {
    expect(vp8.length).toBeGreaterThan(5);
    expect(opus.length).toBeGreaterThan(5);
    const { a, b } = pair();
    const tracks = { a: { audio: new MediaStreamTrack('audio'), video: new MediaStreamTrack('video') }, b: { audio: new MediaStreamTrack('audio'), video: new MediaStreamTrack('video') } };
    const streamA = new MediaStream([tracks.a.audio, tracks.a.video]);
    const streamB = new MediaStream([tracks.b.audio, tracks.b.video]);
    a.addTrack(tracks.a.audio, streamA);
    a.addTrack(tracks.a.video, streamA);
    b.addTrack(tracks.b.audio, streamB);
    b.addTrack(tracks.b.video, streamB);
    const seen = { a: [] as TrackEvent[], b: [] as TrackEvent[] };
    a.ontrack = (e) => seen.a.push(e);
    b.ontrack = (e) => seen.b.push(e);

    await a.setLocalDescription();
    const offer = parse(a.localDescription!.sdp);
    const video = offer.media.find((m) => m.kind === 'video')!;
    expect(video.ssrcGroups.some((g) => g.semantics === 'FID')).toBe(true);
    const order: string[] = [];
    b.onsignalingstatechange = () => order.push(`signaling:${b.signalingState}`);
    b.addEventListener('track', () => order.push('track'));
    await b.setRemoteDescription(a.localDescription!);
    // W3C §4.4.1.6: track events after the signaling state change, during setRemoteDescription.
    expect(order).toEqual(['signaling:have-remote-offer', 'track', 'track']);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    expect(seen.a.map((e) => e.track.kind)).toEqual(['audio', 'video']);
    expect(seen.b.map((e) => e.track.kind)).toEqual(['audio', 'video']);
    // One MediaStream object per msid stream, holding both tracks, with the sender's stream id.
    expect(seen.b[0]!.streams[0]!.id).toBe(streamA.id);
    expect(seen.b[0]!.streams[0]).toBe(seen.b[1]!.streams[0]);
    expect(seen.b[0]!.streams[0]!.getTracks()).toHaveLength(2);
    expect(a.getTransceivers().map((t) => t.currentDirection)).toEqual(['sendrecv', 'sendrecv']);
    await Promise.all([connected(a), connected(b)]);

    const remote = (pc: typeof seen.a, kind: string): MediaStreamTrack => pc.find((e) => e.track.kind === kind)!.track;
    const arrivals = [
      collect(remote(seen.b, 'video'), vp8.length), collect(remote(seen.b, 'audio'), opus.length),
      collect(remote(seen.a, 'video'), vp8.length), collect(remote(seen.a, 'audio'), opus.length),
    ];
    const unmuted = next(remote(seen.b, 'video'), 'unmute');
    sendVideo(tracks.a.video, vp8);
    sendAudio(tracks.a.audio, opus);
    sendVideo(tracks.b.video, vp8);
    sendAudio(tracks.b.audio, opus);
    const [bVideo, bAudio, aVideo, aAudio] = await Promise.all(arrivals);
    await unmuted;
    for (const got of [bVideo!, aVideo!]) {
      expect(got.map((f) => Buffer.from(f.data).equals(Buffer.from(vp8[got.indexOf(f)]!)))).toEqual(vp8.map(() => true));
      expect(got.map((f) => f.keyframe)).toEqual(vp8.map(isVp8Keyframe));
      expect(got.map((f) => f.timestamp)).toEqual(vp8.map((_, i) => Math.round((Math.round(i * 33_333 * 0.09) * 1e6) / 90000)));
      expect(got[0]!.mimeType).toBe('video/VP8');
    }
    for (const got of [bAudio!, aAudio!]) {
      expect(got.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(opus.map((p) => Buffer.from(p).toString('hex')));
      expect(got[0]!.mimeType).toBe('audio/opus');
    }

    const [sa, sb] = await Promise.all([a.getStats(), b.getStats()]);
    for (const kind of ['audio', 'video']) {
      const out = byType(sa, 'outbound-rtp', kind);
      const inb = byType(sb, 'inbound-rtp', kind);
      expect(out).toHaveLength(1);
      expect(inb).toHaveLength(1);
      expect(inb[0]!['ssrc']).toBe(out[0]!['ssrc']);
      expect(inb[0]!['packetsReceived']).toBe(out[0]!['packetsSent']);
      expect(inb[0]!['bytesReceived']).toBe(out[0]!['bytesSent']);
      expect(out[0]!['framesSent']).toBe(kind === 'audio' ? opus.length : vp8.length);
      expect(inb[0]!['framesReceived']).toBe(kind === 'audio' ? opus.length : vp8.length);
      const codec = sa.get(out[0]!['codecId'] as string)!;
      expect(codec.type).toBe('codec');
      expect(codec['mimeType']).toBe(kind === 'audio' ? 'audio/opus' : 'video/VP8');
      expect(sb.get(inb[0]!['codecId'] as string)!['payloadType']).toBe(codec['payloadType']);
    }
    // A track selects its own stream and what it references, transitively (W3C §8.5): no peer-connection, no other stream.
    const selected = await a.getStats(tracks.a.audio);
    expect(new Set([...selected.values()].map((s) => s.type))).toEqual(new Set(['media-source', 'codec', 'outbound-rtp', 'transport', 'candidate-pair', 'local-candidate', 'remote-candidate', 'certificate']));
    expect(byType(selected, 'outbound-rtp')).toHaveLength(1);
    const remoteSelected = await b.getStats(remote(seen.b, 'video'));
    expect(byType(remoteSelected, 'inbound-rtp')).toHaveLength(1);
    await expect(a.getStats(new MediaStreamTrack('audio'))).rejects.toThrow(DOMException);
    // Opus payloads are the packets themselves: payload bytes are exactly what was written.
    expect(byType(sa, 'outbound-rtp', 'audio')[0]!['bytesSent']).toBe(opus.reduce((n, p) => n + p.length, 0));
    expect(byType(sa, 'outbound-rtp', 'audio')[0]!['packetsSent']).toBe(opus.length);
    a.close();
    b.close();
  }, 30_000);

  it('adds a video track mid-call: track event on the other side, PLI as a keyframe request, raw RTP, data channel still works', async () => {
    const { a, b } = pair();
    const chA = a.createDataChannel('chat');
    const chB = new Promise<RTCDataChannel>((resolve) => {
      b.ondatachannel = (e) => resolve(e.channel);
    });
    await negotiate(a, b);
    await Promise.all([connected(a), connected(b), next(chA, 'open')]);

    const video = new MediaStreamTrack('video');
    const stream = new MediaStream([video]);
    const sender = a.addTrack(video, stream);
    const trackEvent = next<TrackEvent>(b, 'track');
    await next(a, 'negotiationneeded');
    await negotiate(a, b);
    const e = await trackEvent;
    expect(e.track.kind).toBe('video');
    expect(e.streams.map((s) => s.id)).toEqual([stream.id]);
    expect(e.transceiver.mid).toBe(a.getTransceivers()[0]!.mid);

    // A delta frame first: the receiver cannot decode it and asks for a keyframe (PLI).
    const keyframeRequest = next(video, 'keyframerequest');
    video.writeFrame(vp8[1]!, { timestamp: 0 });
    await keyframeRequest;
    const arrived = collect(e.track, vp8.length);
    sendVideo(video, vp8, 1);
    const frames = await arrived;
    expect(frames.every((f, i) => Buffer.from(f.data).equals(Buffer.from(vp8[i]!)))).toBe(true);

    // Raw RTP: payload and timestamp go through; SSRC and payload type become the negotiated
    // ones, and the sequence number continues the stream's.
    const rtp = new Promise<Uint8Array>((resolve) => {
      e.track.onRtp = (p) => resolve(p);
    });
    const raw = Buffer.from('80e01234000000010badf00d', 'hex');
    const payload = Buffer.from(vp8[0]!.subarray(0, 100));
    video.writeRtp(new Uint8Array(Buffer.concat([raw, Buffer.from([0x90, 0x80, 0x00, 0x00]), payload])));
    const p = await rtp;
    const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const outbound = byType(await a.getStats(), 'outbound-rtp', 'video')[0]!;
    expect(view.getUint32(8)).toBe(outbound['ssrc']);
    expect(view.getUint32(4)).toBe(1);
    expect(p[1]! & 0x7f).toBe(byType(await a.getStats(), 'codec').find((c) => c['mimeType'] === 'video/VP8')!['payloadType']);
    expect(Buffer.from(p.subarray(p.length - payload.length)).equals(payload)).toBe(true);
    expect(() => e.track.writeFrame(vp8[0]!, { timestamp: 0 })).toThrow(DOMException);

    // replaceTrack: the new track's frames go out on the same SSRC, the old track's no longer do.
    const replacement = new MediaStreamTrack('video');
    await sender.replaceTrack(replacement);
    expect(sender.track).toBe(replacement);
    const more = collect(e.track, 3);
    video.writeFrame(vp8[1]!, { timestamp: 20 * 33_333 });
    vp8.slice(0, 3).forEach((f, i) => replacement.writeFrame(f, { timestamp: (21 + i) * 33_333 }));
    expect((await more).map((f) => f.data.length)).toEqual(vp8.slice(0, 3).map((f) => f.length));
    await expect(sender.replaceTrack(new MediaStreamTrack('audio'))).rejects.toThrow(TypeError);

    // The data channel still works after the renegotiation.
    const remoteCh = await chB;
    const msg = next<MessageEvent>(remoteCh, 'message');
    chA.send('still here');
    expect((await msg).data).toBe('still here');

    // removeTrack: sendrecv becomes recvonly; b only received, so both sides end up inactive,
    // and b's remote track is muted and leaves its stream (W3C "process the removal of a remote track").
    a.removeTrack(sender);
    expect(a.getTransceivers()[0]!.direction).toBe('recvonly');
    expect(sender.track).toBeNull();
    const mute = next(e.track, 'mute');
    await next(a, 'negotiationneeded');
    await negotiate(a, b);
    await mute;
    expect(e.track.muted).toBe(true);
    expect(e.streams[0]!.getTracks()).toEqual([]);
    expect(a.getTransceivers()[0]!.currentDirection).toBe('inactive');
    expect(b.getTransceivers()[0]!.currentDirection).toBe('inactive');
    // Frames written to a track no sender carries go nowhere (and do not throw).
    video.writeFrame(vp8[0]!, { timestamp: 0 });

    // stop(): the section is rejected in the next negotiation and the remote track ends.
    const transceiver = a.getTransceivers()[0]!;
    transceiver.stop();
    expect(transceiver.direction).toBe('stopped');
    const ended = next(e.track, 'ended');
    await next(a, 'negotiationneeded');
    await negotiate(a, b);
    await ended;
    expect(e.track.readyState).toBe('ended');
    expect(transceiver.currentDirection).toBe('stopped');
    expect(a.getSenders()).toHaveLength(0);
    a.close();
    b.close();
  }, 30_000);
});
