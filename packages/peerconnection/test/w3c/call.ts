/**
 * The call the w3c/ stats tests look at: two of our connections on 127.0.0.1, `a` sending an
 * audio and a video track (and receiving nothing), a data channel, frames written on a timer
 * until the test ends.
 */
import { readFileSync } from 'node:fs';
import { readIvf } from '@x/rtp';
import { MediaStream, MediaStreamTrack, type RTCDataChannel, type RTCPeerConnection, type RTCStats, type RTCStatsReport } from '../../src/index.js';
import { connected, loopbackPair, negotiate, next, opusPackets } from '../helpers.js';

/** The VP8 test vector with its size, as an encoder would know it. */
export const vp8 = readIvf(new Uint8Array(readFileSync(new URL('../../../rtp/test/vectors/vp8.ivf', import.meta.url))));

export interface Call {
  a: RTCPeerConnection;
  b: RTCPeerConnection;
  audio: MediaStreamTrack;
  video: MediaStreamTrack;
  stream: MediaStream;
  channel: RTCDataChannel;
  /** Starts writing an Opus packet and a VP8 frame (with its width and height) every 20 ms; returns how many went so far. */
  send(): () => { frames: number };
  close(): void;
}

/** Connects `a` to `b`: audio + video from `a` (sendonly), a data channel, connected and open. */
export async function call(): Promise<Call> {
  const { a, b } = loopbackPair();
  const audio = new MediaStreamTrack('audio');
  const video = new MediaStreamTrack('video');
  const stream = new MediaStream([audio, video]);
  a.addTransceiver(audio, { direction: 'sendonly', streams: [stream] });
  a.addTransceiver(video, { direction: 'sendonly', streams: [stream] });
  const channel = a.createDataChannel('chat');
  await negotiate(a, b);
  await Promise.all([connected(a), connected(b), next(channel, 'open')]);
  const timers: NodeJS.Timeout[] = [];
  const opus = opusPackets();
  return {
    a, b, audio, video, stream, channel,
    send() {
      let i = 0;
      const write = (): void => {
        const f = vp8.frames[i % vp8.frames.length]!;
        video.writeFrame(f.data, { timestamp: i * 33_333, width: vp8.width, height: vp8.height });
        audio.writeFrame(opus[i % opus.length]!, { timestamp: i * 20_000 });
        i++;
      };
      write();
      timers.push(setInterval(write, 20));
      return () => ({ frames: i });
    },
    close() {
      for (const t of timers) clearInterval(t);
      a.close();
      b.close();
    },
  };
}

/** The stats of a type (and kind). */
export function ofType(report: RTCStatsReport, type: string, kind?: string): RTCStats[] {
  return [...report.values()].filter((s) => s.type === type && (kind === undefined || s['kind'] === kind));
}

/** Every member of webrtc-stats that names another stats object. */
export const REFERENCE_MEMBERS = [
  'transportId', 'codecId', 'mediaSourceId', 'remoteId', 'localId', 'localCandidateId', 'remoteCandidateId',
  'selectedCandidatePairId', 'localCertificateId', 'remoteCertificateId', 'issuerCertificateId', 'playoutId',
];

/** The ids a report's objects name that the report does not hold (a selection must be closed under references). */
export function dangling(report: RTCStatsReport): string[] {
  return [...report.values()].flatMap((s) => REFERENCE_MEMBERS.flatMap((m) => (typeof s[m] === 'string' && !report.has(s[m] as string) ? [`${s.type}.${m}`] : [])));
}
