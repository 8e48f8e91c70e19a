/**
 * The aiortc and Pion examples, rewritten against our API with two peers in one process on
 * 127.0.0.1 (signaling is a function call; candidates trickle as the examples' signaling does).
 * Each test asserts what its example shows when run.
 *
 * - aiortc `datachannel-cli`: the offerer opens a "chat" channel and sends "ping N", the answerer
 *   answers "pong N".
 * - aiortc `videostream-cli`: the offerer sends a video track, the answerer receives its frames.
 * - Pion `data-channels`: the answerer takes the offerer's channel from `datachannel`, both sides
 *   send messages on open and print what they get.
 * - Pion `pion-to-pion`: offer/answer with trickled candidates; the connection reaches connected.
 * - Pion `reflect`: the answerer writes the RTP of the track it receives back on its own track.
 * - Pion `play-from-disk` + `save-to-disk`: IVF (VP8) and Ogg (Opus) files sent frame by frame,
 *   the receiver writes what arrives: the same frames.
 */
import { describe, expect, it } from 'vitest';
import { MediaStreamTrack, type EncodedFrame, type RTCDataChannel, type RTCDataChannelEvent, type RTCPeerConnection } from '../src/index.js';
import { connected, eventually, loopbackPair, next, opusPackets, vp8Frames } from './helpers.js';

const vp8 = vp8Frames();
const opus = opusPackets();
const isKey = (f: Uint8Array): boolean => (f[0]! & 1) === 0;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The examples' signaling: offerer → answerer and back (as their copy-paste or HTTP exchange). */
async function signal(offerer: RTCPeerConnection, answerer: RTCPeerConnection): Promise<void> {
  const offer = await offerer.createOffer();
  await offerer.setLocalDescription(offer);
  await answerer.setRemoteDescription(offer);
  const answer = await answerer.createAnswer();
  await answerer.setLocalDescription(answer);
  await offerer.setRemoteDescription(answer);
}

async function run(test: (a: RTCPeerConnection, b: RTCPeerConnection) => Promise<void>): Promise<void> {
  const { a, b } = loopbackPair();
  try {
    await test(a, b);
  } finally {
    a.close();
    b.close();
  }
}

describe('aiortc examples', () => {
  it('datachannel-cli: "ping N" from the offerer is answered "pong N" on the "chat" channel', () => run(async (offerer, answerer) => {
    const channel = offerer.createDataChannel('chat');
    answerer.ondatachannel = ({ channel: c }) => {
      c.onmessage = (e) => {
        const text = String((e as MessageEvent).data);
        if (text.startsWith('ping')) c.send(`pong${text.slice(4)}`);
      };
    };
    const pongs: string[] = [];
    channel.onmessage = (e) => void pongs.push(String((e as MessageEvent).data));
    await signal(offerer, answerer);
    await next(channel, 'open');
    expect(channel.label).toBe('chat');
    for (let i = 0; i < 5; i++) channel.send(`ping ${i}`);
    await eventually(() => (pongs.length === 5 ? true : undefined));
    expect(pongs).toEqual([0, 1, 2, 3, 4].map((i) => `pong ${i}`));
  }));

  it('videostream-cli: the answerer receives the frames of the offerer video track', () => run(async (offerer, answerer) => {
    const video = new MediaStreamTrack('video');
    offerer.addTrack(video);
    const received: EncodedFrame[] = [];
    const track = new Promise<MediaStreamTrack>((resolve) => {
      answerer.ontrack = (e) => {
        e.track.onFrame = (f) => void received.push(f);
        resolve(e.track);
      };
    });
    await signal(offerer, answerer);
    expect((await track).kind).toBe('video');
    await Promise.all([connected(offerer), connected(answerer)]);
    const frames = vp8.slice(0, 20);
    frames.forEach((f, i) => video.writeFrame(f, { timestamp: i * 33_333, keyframe: isKey(f) }));
    await eventually(() => (received.length === frames.length ? true : undefined));
    expect(received.map((f) => hex(f.data))).toEqual(frames.map(hex));
    expect(received.every((f) => f.mimeType === 'video/VP8')).toBe(true);
  }));
});

describe('Pion examples', () => {
  it('data-channels: the answerer gets the channel, both send on open and read each other', () => run(async (offerer, answerer) => {
    const mine = offerer.createDataChannel('data');
    const incoming = next<RTCDataChannelEvent<RTCDataChannel>>(answerer, 'datachannel');
    await signal(offerer, answerer);
    const theirs = (await incoming).channel;
    expect(theirs.label).toBe('data');
    const gotByOfferer: string[] = [];
    const gotByAnswerer: string[] = [];
    mine.onmessage = (e) => void gotByOfferer.push(String((e as MessageEvent).data));
    theirs.onmessage = (e) => void gotByAnswerer.push(String((e as MessageEvent).data));
    await Promise.all([mine.readyState === 'open' ? undefined : next(mine, 'open'), theirs.readyState === 'open' ? undefined : next(theirs, 'open')]);
    const words = ['Message from DataChannel', 'random-1', 'random-2'];
    for (const w of words) {
      mine.send(`offerer: ${w}`);
      theirs.send(`answerer: ${w}`);
    }
    await eventually(() => (gotByOfferer.length === 3 && gotByAnswerer.length === 3 ? true : undefined));
    expect(gotByAnswerer).toEqual(words.map((w) => `offerer: ${w}`));
    expect(gotByOfferer).toEqual(words.map((w) => `answerer: ${w}`));
  }));

  it('pion-to-pion: trickled candidates, ICE and the peer connection reach connected on both sides', () => run(async (offerer, answerer) => {
    const states: string[] = [];
    offerer.onconnectionstatechange = () => states.push(offerer.connectionState);
    const candidates: string[] = [];
    offerer.addEventListener('icecandidate', (e) => {
      const c = (e as unknown as { candidate: { candidate: string } | null }).candidate;
      if (c !== null) candidates.push(c.candidate);
    });
    offerer.createDataChannel('data');
    await signal(offerer, answerer);
    await Promise.all([connected(offerer), connected(answerer)]);
    expect(states).toEqual(['connecting', 'connected']);
    expect(candidates.length).toBeGreaterThan(0);
    expect(candidates.every((c) => / 127\.0\.0\.1 /.test(c))).toBe(true);
    expect(['connected', 'completed']).toContain(answerer.iceConnectionState);
  }));

  it('reflect: RTP of the received track, written back on the answerer own track, comes back to the offerer', () => run(async (offerer, answerer) => {
    const outgoing = new MediaStreamTrack('video');
    offerer.addTransceiver(outgoing, { direction: 'sendrecv' });
    const reflected = new MediaStreamTrack('video');
    answerer.ontrack = (e) => {
      // The example adds its output track and copies every packet of the remote track into it.
      e.track.onRtp = (packet) => reflected.writeRtp(packet);
    };
    await offerer.setLocalDescription();
    await answerer.setRemoteDescription(offerer.localDescription!);
    await answerer.getTransceivers()[0]!.sender.replaceTrack(reflected);
    answerer.getTransceivers()[0]!.direction = 'sendrecv';
    await answerer.setLocalDescription();
    await offerer.setRemoteDescription(answerer.localDescription!);
    const back: EncodedFrame[] = [];
    offerer.getTransceivers()[0]!.receiver.track.onFrame = (f) => void back.push(f);
    await Promise.all([connected(offerer), connected(answerer)]);
    const frames = vp8.slice(0, 15);
    frames.forEach((f, i) => outgoing.writeFrame(f, { timestamp: i * 33_333, keyframe: isKey(f) }));
    await eventually(() => (back.length === frames.length ? true : undefined));
    expect(back.map((f) => hex(f.data))).toEqual(frames.map(hex));
  }));

  it('play-from-disk and save-to-disk: IVF and Ogg frames are sent paced by their duration and saved unchanged', () => run(async (offerer, answerer) => {
    const video = new MediaStreamTrack('video');
    const audio = new MediaStreamTrack('audio');
    offerer.addTrack(video);
    offerer.addTrack(audio);
    const saved = new Map<string, EncodedFrame[]>([['audio', []], ['video', []]]);
    answerer.ontrack = (e) => {
      e.track.onFrame = (f) => void saved.get(e.track.kind)!.push(f);
    };
    await signal(offerer, answerer);
    await Promise.all([connected(offerer), connected(answerer)]);
    const frames = vp8.slice(0, 12);
    const packets = opus.slice(0, 25);
    frames.forEach((f, i) => video.writeFrame(f, { timestamp: i * 33_333, keyframe: isKey(f) }));
    packets.forEach((p, i) => audio.writeFrame(p, { timestamp: i * 20_000 }));
    await eventually(() => (saved.get('video')!.length === frames.length && saved.get('audio')!.length === packets.length ? true : undefined));
    expect(saved.get('video')!.map((f) => hex(f.data))).toEqual(frames.map(hex));
    expect(saved.get('audio')!.map((f) => hex(f.data))).toEqual(packets.map(hex));
    // The saved timestamps keep the pacing: 20 ms per Opus packet, 33.3 ms per video frame.
    expect(saved.get('audio')!.map((f) => f.timestamp)).toEqual(packets.map((_, i) => i * 20_000));
    expect(saved.get('video')!.map((f) => Math.round(f.timestamp / 1000))).toEqual(frames.map((_, i) => Math.round((i * 33_333) / 1000)));
  }));
});
