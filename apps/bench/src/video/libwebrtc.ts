// libwebrtc through @roamhq/wrtc: its nonstandard RTCVideoSource takes raw I420 frames and encodes
// them itself (VP8, libvpx inside libwebrtc), and RTCVideoSink gets frames after decoding. So its
// sender's CPU includes encoding and its receiver's includes decoding; the figure reports it apart.
// The answer given to the sender asks for 2.5 Mbit/s from the start (x-google-*-bitrate on VP8,
// b=AS), so its bandwidth estimate does not spend the run ramping up from 300 kbit/s.
import { createRequire } from 'node:module';
import { readI420 } from './clip.js';
import { answerWhenGathered, offerWhenGathered, type SignalingPeer, type VideoReceiver, type VideoSender, type VideoSetup } from './video-peer.js';

interface Track {
  readonly kind: string;
}

interface Peer extends SignalingPeer {
  readonly connectionState: string;
  addTrack(track: Track): unknown;
  ontrack: ((event: { track: Track }) => void) | null;
  getStats(): Promise<Map<string, { type: string; kind?: string; bytesReceived?: number }>>;
}

interface Wrtc {
  RTCPeerConnection: new (config: object) => Peer;
  nonstandard: {
    RTCVideoSource: new () => { createTrack(): Track; onFrame(frame: { width: number; height: number; data: Uint8ClampedArray }): void };
    RTCVideoSink: new (track: Track) => { onframe: (() => void) | null; stop(): void };
  };
}

function load(): Wrtc {
  return createRequire(import.meta.url)('@roamhq/wrtc') as Wrtc;
}

/** The answer with VP8 held at `kbps`: b=AS in the video section and x-google bitrates on its VP8 payload types. */
export function pinVideoBitrate(sdp: string, kbps: number): string {
  const lines = sdp.split('\r\n');
  const vp8 = new Set(lines.flatMap((l) => /^a=rtpmap:(\d+) VP8\//i.exec(l)?.[1] ?? []));
  const hasFmtp = new Set(lines.flatMap((l) => /^a=fmtp:(\d+) /.exec(l)?.[1] ?? []));
  const bitrates = `x-google-start-bitrate=${kbps};x-google-min-bitrate=${kbps};x-google-max-bitrate=${kbps}`;
  const out: string[] = [];
  let video = false;
  for (const line of lines) {
    if (line.startsWith('m=')) video = line.startsWith('m=video');
    const fmtpOf = /^a=fmtp:(\d+) /.exec(line)?.[1];
    out.push(fmtpOf && vp8.has(fmtpOf) ? `${line};${bitrates}` : line);
    if (video && line.startsWith('c=')) out.push(`b=AS:${kbps}`);
    const rtpmapOf = /^a=rtpmap:(\d+) VP8\//i.exec(line)?.[1];
    if (rtpmapOf && !hasFmtp.has(rtpmapOf)) out.push(`a=fmtp:${rtpmapOf} ${bitrates}`);
  }
  return out.join('\r\n');
}

export async function libwebrtcSender({ spec, files }: VideoSetup): Promise<VideoSender> {
  const wrtc = load();
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  const source = new wrtc.nonstandard.RTCVideoSource();
  pc.addTrack(source.createTrack());
  // Copies: the binding checks the length of the whole underlying buffer, so a view into the file will not do.
  const raw = readI420(files.i420, spec.width, spec.height).map((f) => new Uint8ClampedArray(f));
  return {
    offer: () => offerWhenGathered(pc),
    accept: async (answer) => void (await pc.setRemoteDescription({ type: 'answer', sdp: pinVideoBitrate(answer, Math.round(spec.bitsPerSecond / 1000)) })),
    connectionState: () => pc.connectionState,
    sendFrame: (index) => source.onFrame({ width: spec.width, height: spec.height, data: raw[index % raw.length]! }),
  };
}

export async function libwebrtcReceiver(): Promise<VideoReceiver> {
  const wrtc = load();
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  let frames = 0;
  pc.ontrack = ({ track }) => {
    if (track.kind !== 'video') return;
    const sink = new wrtc.nonstandard.RTCVideoSink(track);
    sink.onframe = () => void frames++;
  };
  return {
    answer: (offer) => answerWhenGathered(pc, offer),
    connectionState: () => pc.connectionState,
    counts: async () => {
      let bytes = 0;
      for (const s of (await pc.getStats()).values()) if (s.type === 'inbound-rtp' && s.kind === 'video') bytes += s.bytesReceived ?? 0;
      return { frames, bytes };
    },
  };
}
