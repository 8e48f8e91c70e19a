// VP8 for the node peer, which has no camera and no codec: Debian's ffmpeg encodes a test pattern
// (libvpx) into an IVF file once, the peer plays its frames; what the page sends back is written
// to IVF and decoded by ffmpeg, so "the node peer got video" means frames a real decoder takes.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
  return readIvf(readFileSync(file));
}

/** The frames of an IVF file. */
export function readIvf(file: Uint8Array): Vp8Frame[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.byteLength < 32 || String.fromCharCode(...file.subarray(0, 4)) !== 'DKIF') throw new Error('not an IVF file');
  const frames: Vp8Frame[] = [];
  for (let at = view.getUint16(6, true); at + 12 <= file.byteLength; ) {
    const size = view.getUint32(at, true);
    if (at + 12 + size > file.byteLength) throw new Error('IVF frame runs past the end of the file');
    const data = file.subarray(at + 12, at + 12 + size);
    frames.push({ data, keyframe: isVp8Keyframe(data) });
    at += 12 + size;
  }
  return frames;
}

/** Writes VP8 frames (the first a keyframe) as IVF, 30 fps time base, and asks ffmpeg how many it decodes. */
export function decodeWithFfmpeg(dir: string, frames: Uint8Array[]): { decoded: number; errors: string } {
  const key = frames[0];
  const width = key && key.byteLength >= 10 ? (key[6]! | (key[7]! << 8)) & 0x3fff : 0;
  const height = key && key.byteLength >= 10 ? (key[8]! | (key[9]! << 8)) & 0x3fff : 0;
  const out = new Uint8Array(32 + frames.reduce((n, f) => n + 12 + f.byteLength, 0));
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('DKIF'));
  view.setUint16(6, 32, true);
  out.set(new TextEncoder().encode('VP80'), 8);
  view.setUint16(12, width, true);
  view.setUint16(14, height, true);
  view.setUint32(16, 30, true);
  view.setUint32(20, 1, true);
  view.setUint32(24, frames.length, true);
  let at = 32;
  frames.forEach((f, i) => {
    view.setUint32(at, f.byteLength, true);
    view.setBigUint64(at + 4, BigInt(i), true);
    out.set(f, at + 12);
    at += 12 + f.byteLength;
  });
  const file = join(dir, 'from-the-page.ivf');
  writeFileSync(file, out);
  const decode = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8', timeout: 60_000 });
  const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { decoded: Number.parseInt(probe.stdout ?? '', 10) || 0, errors: `${decode.status === 0 ? '' : `exit ${String(decode.status)} `}${decode.stderr ?? ''}`.trim() };
}
