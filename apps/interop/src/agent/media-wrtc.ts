// libwebrtc in node (@roamhq/wrtc): its nonstandard RTCVideoSource / RTCAudioSource feed raw
// frames to libwebrtc's own encoders (a moving gradient at 30 fps, a 440 Hz tone in 10 ms chunks),
// and RTCVideoSink / RTCAudioSink on remote tracks count what its decoders gave back.
import type { MediaHost } from './core.js';
import { pace, type Pacer } from './media-pacer.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the nonstandard classes have no types */

interface Received {
  kind: 'audio' | 'video';
  receiver: any;
  decoded: number;
  sink: any;
}

export function wrtcMedia(wrtc: any, log: (text: string) => void): MediaHost {
  const { RTCVideoSource, RTCAudioSource, RTCVideoSink, RTCAudioSink } = wrtc.nonstandard;
  const pacers: Pacer[] = [];
  const received: Received[] = [];
  return {
    async createTracks(init) {
      const tracks: any[] = [];
      if (init.audio) {
        const source = new RTCAudioSource();
        const samples = new Int16Array(480);
        pacers.push(
          pace(
            10,
            (i) => {
              for (let n = 0; n < 480; n++) samples[n] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * (i * 480 + n)) / 48_000));
              source.onData({ samples, sampleRate: 48_000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 });
            },
            (e) => log(`audio: ${String(e)}`),
          ),
        );
        tracks.push(source.createTrack());
      }
      if (init.video) {
        const source = new RTCVideoSource();
        const width = 320;
        const height = 240;
        const data = new Uint8ClampedArray((width * height * 3) / 2);
        pacers.push(
          pace(
            1000 / 30,
            (i) => {
              for (let y = 0; y < height; y++) data.fill((y + i * 4) & 0xff, y * width, (y + 1) * width);
              data.fill(128, width * height);
              source.onFrame({ width, height, data });
            },
            (e) => log(`video: ${String(e)}`),
          ),
        );
        tracks.push(source.createTrack());
      }
      return { tracks, stream: new wrtc.MediaStream(tracks) };
    },
    receive(track, receiver) {
      const entry: Received = { kind: track.kind, receiver, decoded: 0, sink: undefined };
      received.push(entry);
      if (track.kind === 'video') {
        entry.sink = new RTCVideoSink(track);
        entry.sink.onframe = () => entry.decoded++;
      } else {
        entry.sink = new RTCAudioSink(track);
        entry.sink.ondata = () => entry.decoded++;
      }
    },
    async report() {
      const out = [];
      for (const r of received) {
        let packets = 0;
        let frames = 0;
        let codec: string | null = null;
        try {
          const stats: Map<string, any> = await r.receiver.getStats();
          for (const s of stats.values()) {
            if (s.type === 'inbound-rtp') {
              packets = s.packetsReceived ?? 0;
              frames = s.framesReceived ?? s.framesDecoded ?? 0;
              if (s.codecId) codec = stats.get(s.codecId)?.mimeType ?? null;
            }
          }
        } catch (error) {
          log(`getStats: ${String(error)}`);
        }
        // The audio sink gets 10 ms chunks: count them in 20 ms units, as the other peers' frames.
        const decoded = r.kind === 'audio' ? Math.floor(r.decoded / 2) : r.decoded;
        out.push({ kind: r.kind, codec, packets, frames: r.kind === 'audio' ? decoded : frames, decoded });
      }
      return { received: out };
    },
    stop() {
      for (const p of pacers.splice(0)) p.stop();
      for (const r of received) r.sink?.stop?.();
    },
  };
}
