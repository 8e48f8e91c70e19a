// Ours' media in the agent: local tracks play the run's VP8 (IVF) and Opus (Ogg) files at their
// real rate through `writeFrame`; remote tracks keep every frame that arrives (from the first
// keyframe, as a decoder would start) and write them to IVF / Ogg for ffmpeg to decode.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readIvf, readOggOpus, writeIvf, writeOggOpus } from '@x/rtp';
import { readH264AccessUnits } from '../media/containers.js';
import type { MediaHost } from './core.js';
import { pace, type Pacer } from './media-pacer.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the tracks come from a dynamic import */

interface Received {
  kind: 'audio' | 'video';
  codec: string | null;
  packets: number;
  frames: number;
  kept: Uint8Array[];
  started: boolean;
}

export function oursMedia(pc: { MediaStreamTrack: new (kind: 'audio' | 'video') => any; MediaStream: new (tracks: any[]) => any }, log: (text: string) => void): MediaHost {
  const pacers: Pacer[] = [];
  const received: Received[] = [];
  let record = '';
  return {
    async createTracks(init) {
      record = init.record;
      const tracks: any[] = [];
      if (init.audio) {
        const packets = readOggOpus(readFileSync(init.files.ogg)).packets;
        const track = new pc.MediaStreamTrack('audio');
        pacers.push(pace(20, (i) => track.writeFrame(packets[i % packets.length], { timestamp: i * 20_000 }), (e) => log(`audio: ${String(e)}`)));
        tracks.push(track);
      }
      if (init.video) {
        // H.264: the Annex B access units as they are (SPS and PPS before each IDR; the packetizer
        // drops the AUDs). VP8: the IVF's frames, a keyframe where the frame tag's P bit is clear.
        const frames = init.video === 'H264'
          ? readH264AccessUnits(readFileSync(init.files.h264)).map((u) => ({ data: u.data, keyframe: u.keyframe }))
          : readIvf(readFileSync(init.files.ivf)).frames.map((f) => ({ data: f.data, keyframe: (f.data[0]! & 1) === 0 }));
        const track = new pc.MediaStreamTrack('video');
        const frameUs = 1_000_000 / 30;
        pacers.push(
          pace(
            1000 / 30,
            (i) => {
              const frame = frames[i % frames.length]!;
              track.writeFrame(frame.data, { timestamp: Math.round(i * frameUs), keyframe: frame.keyframe });
            },
            (e) => log(`video: ${String(e)}`),
          ),
        );
        tracks.push(track);
      }
      return { tracks, stream: new pc.MediaStream(tracks) };
    },
    receive(track) {
      const entry: Received = { kind: track.kind, codec: null, packets: 0, frames: 0, kept: [], started: false };
      received.push(entry);
      track.onRtp = () => entry.packets++;
      track.onFrame = (frame: { data: Uint8Array; keyframe: boolean; mimeType: string }) => {
        entry.frames++;
        entry.codec = frame.mimeType;
        if (!entry.started && !frame.keyframe) return;
        entry.started = true;
        entry.kept.push(frame.data.slice());
      };
    },
    async report(_pc, finish) {
      return {
        received: received.map((r, i) => {
          let file: string | undefined;
          if (finish && r.kept.length) {
            const codec = r.codec?.toLowerCase();
            const h264 = r.kind === 'video' && codec === 'video/h264';
            const vp8 = r.kind === 'video' && codec === 'video/vp8';
            file = join(record, `ours-received-${i}-${r.kind}.${r.kind === 'audio' ? 'ogg' : vp8 ? 'ivf' : h264 ? 'h264' : 'bin'}`);
            // H.264 frames come out of the depacketizer as Annex B access units: the file is their concatenation.
            writeFileSync(file, r.kind === 'audio' ? writeOggOpus(r.kept) : h264 ? Buffer.concat(r.kept) : writeIvf(r.kept));
          }
          return { kind: r.kind, codec: r.codec, packets: r.packets, frames: r.frames, decoded: null, ...(file ? { file } : {}) };
        }),
      };
    },
    stop() {
      for (const p of pacers.splice(0)) p.stop();
    },
  };
}
