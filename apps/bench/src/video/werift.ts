// werift: RTP packets in. Its own VP8 packetizer (werift/nonstandard Vp8Packetizer, 1200-byte
// payloads) cuts the same pre-encoded frames, and the track's writeRtp sends them; the receiver
// puts the remote track's RTP through werift's VP8 depacketizer (DepacketizeCallback) into frames.
import { Buffer } from 'node:buffer';
import { startBindingServer } from '@x/stun';
import { weriftLoopbackConfig } from '../peers/werift.js';
import { readIvf } from './clip.js';
import { answerWhenGathered, offerWhenGathered, type SignalingPeer, type VideoReceiver, type VideoSender, type VideoSetup } from './video-peer.js';

interface RtpPacket {
  serialize(): Buffer;
}

interface Track {
  writeRtp(rtp: RtpPacket): void;
  readonly onReceiveRtp: { subscribe(cb: (rtp: RtpPacket) => void): unknown };
}

interface Peer extends SignalingPeer {
  readonly connectionState: string;
  addTransceiver(track: Track | 'video', init: { direction: string }): unknown;
  readonly onTrack: { subscribe(cb: (track: Track) => void): unknown };
}

interface Werift {
  RTCPeerConnection: new (config: object) => Peer;
  MediaStreamTrack: new (init: { kind: 'video' }) => Track;
  useVP8(): unknown;
}

interface WeriftNonstandard {
  Vp8Packetizer: new (options: { maxPayloadSize: number }) => { packetize(data: Buffer, rtpTimestamp: number): RtpPacket[] };
  DepacketizeCallback: new (codec: string, options: { isFinalPacketInSequence: (header: { marker: boolean }) => boolean }) => {
    pipe(cb: (output: { frame?: { data: Buffer } }) => void): unknown;
    input(input: { rtp: RtpPacket }): void;
  };
}

async function peer(): Promise<{ pc: Peer; werift: Werift }> {
  const werift = (await import('werift')) as unknown as Werift;
  const stun = await startBindingServer({ address: '127.0.0.1' });
  const pc = new werift.RTCPeerConnection({ ...weriftLoopbackConfig(stun.address.port), codecs: { audio: [], video: [werift.useVP8()] } });
  return { pc, werift };
}

export async function weriftSender({ files }: VideoSetup): Promise<VideoSender> {
  const { pc, werift } = await peer();
  const { Vp8Packetizer } = (await import('werift/nonstandard')) as unknown as WeriftNonstandard;
  const frames = readIvf(files.ivf).map((f) => Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength));
  const track = new werift.MediaStreamTrack({ kind: 'video' });
  pc.addTransceiver(track, { direction: 'sendonly' });
  const packetizer = new Vp8Packetizer({ maxPayloadSize: 1200 });
  return {
    offer: () => offerWhenGathered(pc),
    accept: async (answer) => void (await pc.setRemoteDescription({ type: 'answer', sdp: answer })),
    connectionState: () => pc.connectionState,
    sendFrame: (index, timestampUs) => {
      // RTP timestamps at VP8's 90 kHz clock; werift sets SSRC, payload type and sequence numbers.
      for (const rtp of packetizer.packetize(frames[index % frames.length]!, Math.round((timestampUs * 9) / 100) >>> 0)) track.writeRtp(rtp);
    },
  };
}

export async function weriftReceiver(): Promise<VideoReceiver> {
  const { pc } = await peer();
  const { DepacketizeCallback } = (await import('werift/nonstandard')) as unknown as WeriftNonstandard;
  let frames = 0;
  let bytes = 0;
  pc.onTrack.subscribe((track) => {
    // A frame ends at the RTP marker bit (RFC 7741 §4.1); without this werift emits every packet.
    const depacketizer = new DepacketizeCallback('vp8', { isFinalPacketInSequence: (header) => header.marker });
    depacketizer.pipe(({ frame }) => {
      if (!frame) return;
      frames++;
      bytes += frame.data.length;
    });
    track.onReceiveRtp.subscribe((rtp) => depacketizer.input({ rtp }));
  });
  return {
    answer: (offer) => answerWhenGathered(pc, offer),
    connectionState: () => pc.connectionState,
    counts: async () => ({ frames, bytes }),
  };
}
