// Ours: a MediaStreamTrack of @x/peerconnection takes the pre-encoded VP8 frames (writeFrame
// packetizes them); the remote track's onFrame gets them back depacketized.
import { importPeerConnection } from '../peers/ours.js';
import { readIvf } from './clip.js';
import { answerWhenGathered, offerWhenGathered, type SignalingPeer, type VideoReceiver, type VideoSender, type VideoSetup } from './video-peer.js';

interface Frame {
  data: Uint8Array;
}

interface Track {
  writeFrame(frame: Uint8Array, init: { timestamp: number; keyframe?: boolean }): void;
  onFrame: ((frame: Frame) => void) | undefined;
}

interface Peer extends SignalingPeer {
  readonly connectionState: string;
  addTrack(track: Track, stream: unknown): unknown;
  ontrack: ((event: { track: Track }) => void) | null;
}

interface Module {
  PeerConnectionFactory: new (dependencies: object) => { createPeerConnection(configuration: object): Peer };
  MediaStreamTrack: new (kind: 'video') => Track;
  MediaStream: new (tracks: Track[]) => unknown;
}

async function peer(): Promise<{ pc: Peer; module: Module }> {
  const module = await importPeerConnection<Module>();
  const factory = new module.PeerConnectionFactory({
    ice: { includeLoopback: true, ipv6: false, ipFilter: (address: string) => address === '127.0.0.1' },
  });
  return { pc: factory.createPeerConnection({}), module };
}

export async function oursSender({ files }: VideoSetup): Promise<VideoSender> {
  const { pc, module } = await peer();
  const frames = readIvf(files.ivf);
  const track = new module.MediaStreamTrack('video');
  pc.addTrack(track, new module.MediaStream([track]));
  return {
    offer: () => offerWhenGathered(pc),
    accept: async (answer) => void (await pc.setRemoteDescription({ type: 'answer', sdp: answer })),
    connectionState: () => pc.connectionState,
    sendFrame: (index, timestampUs) => {
      const frame = frames[index % frames.length]!;
      track.writeFrame(frame.data, { timestamp: timestampUs, keyframe: frame.keyframe });
    },
  };
}

export async function oursReceiver(): Promise<VideoReceiver> {
  const { pc } = await peer();
  let frames = 0;
  let bytes = 0;
  pc.ontrack = ({ track }) => {
    track.onFrame = (frame) => {
      frames++;
      bytes += frame.data.length;
    };
  };
  return {
    answer: (offer) => answerWhenGathered(pc, offer),
    connectionState: () => pc.connectionState,
    counts: async () => ({ frames, bytes }),
  };
}
