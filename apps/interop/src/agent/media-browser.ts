// Chromium's media in the interop page (served as an ES module next to core.js, so it imports
// nothing at run time): the fake camera and microphone (`--use-fake-device-for-media-stream`)
// through getUserMedia, encoded by Chromium itself; remote tracks play in media elements, and
// getStats' `framesDecoded` (video) and `totalSamplesReceived` (audio) say what its decoders made.
import type { MediaHost } from './core.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- DOM types are not in this package's lib */

declare const navigator: any;
declare const document: any;

export function browserMedia(): MediaHost {
  let local: any;
  const received: Array<{ kind: 'audio' | 'video'; receiver: any }> = [];
  return {
    async createTracks(init) {
      local = await navigator.mediaDevices.getUserMedia({
        audio: init.audio,
        video: init.video ? { width: 320, height: 240, frameRate: 30 } : false,
      });
      return { tracks: local.getTracks(), stream: local };
    },
    receive(track, receiver) {
      received.push({ kind: track.kind, receiver });
      // A remote track is rendered (and its audio pulled through the decoder) when something plays it.
      const element = document.createElement(track.kind);
      element.autoplay = true;
      element.srcObject = new (globalThis as any).MediaStream([track]);
      document.body.append(element);
      element.play?.().catch(() => undefined);
    },
    async report() {
      const out = [];
      for (const r of received) {
        const stats: Map<string, any> = await r.receiver.getStats();
        let report = { kind: r.kind, codec: null as string | null, packets: 0, frames: 0, decoded: 0 as number | null };
        for (const s of stats.values()) {
          if (s.type !== 'inbound-rtp') continue;
          const codec = s.codecId ? (stats.get(s.codecId)?.mimeType ?? null) : null;
          report =
            r.kind === 'video'
              ? { kind: r.kind, codec, packets: s.packetsReceived ?? 0, frames: s.framesReceived ?? 0, decoded: s.framesDecoded ?? 0 }
              : // Audio in 20 ms units at the decoder's rate (48 kHz here: 960 samples).
                { kind: r.kind, codec, packets: s.packetsReceived ?? 0, frames: s.packetsReceived ?? 0, decoded: Math.floor((s.totalSamplesReceived ?? 0) / 960) };
        }
        out.push(report);
      }
      return { received: out };
    },
    stop() {
      for (const track of local?.getTracks() ?? []) track.stop();
    },
  };
}
