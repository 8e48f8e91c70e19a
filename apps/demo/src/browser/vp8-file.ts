// VP8 for the node peer, which has no camera and no codec: Debian's ffmpeg encodes a test pattern
// (libvpx) into an IVF file once, the peer plays its frames; what the page sends back is written
// to IVF and decoded by ffmpeg, so "the node peer got video" means frames a real decoder takes.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readIvf, writeIvf } from '@x/rtp';

/** A VP8 frame as IVF stores it. */
export interface Vp8Frame {
  data: Uint8Array;
  keyframe: boolean;
}

/** A VP8 keyframe has the inverse key-frame bit clear (RFC 6386 §9.1). */
export const isVp8Keyframe = (frame: Uint8Array) => frame.byteLength > 0 && (frame[0]! & 1) === 0;

/** Encodes `seconds` of ffmpeg's testsrc as VP8 at 30 fps (a keyframe every 30 frames) into `dir`, and reads its frames. */
export function makeTestPattern(dir: string, seconds = 4): Vp8Frame[] {
  const file = join(dir, 'testsrc.ivf');
  const run = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=320x240:rate=30:duration=${seconds}`, '-c:v', 'libvpx', '-g', '30', '-b:v', '400k', '-deadline', 'realtime', '-cpu-used', '8', file],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (run.error) throw new Error(`ffmpeg is needed to make the demo's VP8 (Debian package ffmpeg): ${run.error.message}`);
  if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr.trim()}`);
  return readIvf(readFileSync(file)).frames.map((f) => ({ data: f.data, keyframe: isVp8Keyframe(f.data) }));
}

/** Writes VP8 frames (the first a keyframe) as IVF, numbered at 30 fps, and asks ffmpeg how many it decodes. */
export function decodeWithFfmpeg(dir: string, frames: Uint8Array[]): { decoded: number; errors: string } {
  const file = join(dir, 'from-the-page.ivf');
  writeFileSync(file, writeIvf(frames));
  const decode = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8', timeout: 60_000 });
  const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { decoded: Number.parseInt(probe.stdout ?? '', 10) || 0, errors: `${decode.status === 0 ? '' : `exit ${String(decode.status)} `}${decode.stderr ?? ''}`.trim() };
}
