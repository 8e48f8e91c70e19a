// werift has no encoder: it sends RTP packets. Debian's ffmpeg packetizes the run's VP8, H.264 and Opus
// files (its own RTP muxer, independent of ours) to a UDP socket on 127.0.0.1, in real time and
// looping; each packet goes to `track.writeRtp`, which gives it werift's SSRC and payload type.
// On remote tracks werift has no depacketizer or decoder either: frames are counted from RTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import type { MediaHost } from './core.js';
import { RtpFrameCounter } from './media-pacer.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- werift's classes come from a dynamic import */

export function weriftMedia(werift: any, log: (text: string) => void): MediaHost {
  const children: ChildProcess[] = [];
  const sockets: Socket[] = [];
  const received: Array<{ kind: 'audio' | 'video'; track: any; counter: RtpFrameCounter }> = [];

  const feed = async (track: any, file: string, input: string[] = []): Promise<void> => {
    const socket = createSocket('udp4');
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    socket.on('message', (packet) => {
      try {
        track.writeRtp(packet);
      } catch (error) {
        log(`writeRtp: ${String(error)}`);
      }
    });
    const { port } = socket.address();
    const child = spawn(
      'ffmpeg',
      ['-hide_banner', '-v', 'error', '-re', '-stream_loop', '-1', ...input, '-i', file, '-c', 'copy', '-f', 'rtp', '-payload_type', '96', `rtp://127.0.0.1:${port}?pkt_size=1200`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.on('data', (d: Buffer) => log(`ffmpeg: ${d.toString().trim()}`));
    child.on('error', (error) => log(`ffmpeg: ${error.message}`));
    children.push(child);
  };

  return {
    async createTracks(init) {
      const tracks: any[] = [];
      if (init.audio) {
        const track = new werift.MediaStreamTrack({ kind: 'audio' });
        await feed(track, init.files.ogg);
        tracks.push(track);
      }
      if (init.video === 'H264') {
        // Raw Annex B has no timestamps: read at 30 fps; ffmpeg's RTP muxer sends packetization-mode 1.
        const track = new werift.MediaStreamTrack({ kind: 'video' });
        await feed(track, init.files.h264, ['-f', 'h264', '-framerate', '30']);
        tracks.push(track);
      } else if (init.video) {
        const track = new werift.MediaStreamTrack({ kind: 'video' });
        await feed(track, init.files.ivf);
        tracks.push(track);
      }
      return { tracks };
    },
    receive(track) {
      const entry = { kind: track.kind as 'audio' | 'video', track, counter: new RtpFrameCounter() };
      received.push(entry);
      track.onReceiveRtp.subscribe((rtp: any) => entry.counter.count(rtp.header.timestamp));
    },
    async report() {
      return {
        received: received.map((r) => ({
          kind: r.kind,
          codec: r.track.codec?.mimeType ?? null,
          packets: r.counter.packets,
          frames: r.counter.frames,
          decoded: null,
        })),
      };
    },
    h264Codecs: () => [werift.useH264()],
    stop() {
      for (const c of children.splice(0)) c.kill('SIGKILL');
      for (const s of sockets.splice(0)) s.close();
    },
  };
}
