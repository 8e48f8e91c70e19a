// The video the video figure sends: made once with Debian's ffmpeg and kept in the temp directory.
// VP8 frames (libvpx, 2.5 Mbit/s CBR, real-time settings, one keyframe at the start of the clip,
// which is looped) in an IVF file for the stacks that take encoded frames, and raw I420 frames of
// the same picture for libwebrtc's RTCVideoSource, which encodes by itself.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readIvf as readIvfFile } from '@x/rtp';

/** What the clip is. */
export interface ClipSpec {
  width: number;
  height: number;
  fps: number;
  bitsPerSecond: number;
  /** Length of the encoded clip; the sender loops it. */
  seconds: number;
}

/** Where the clip's two files are. */
export interface ClipFiles {
  ivf: string;
  i420: string;
}

/** One encoded frame from the IVF file. */
export interface Vp8Frame {
  data: Uint8Array;
  keyframe: boolean;
}

const run = promisify(execFile);

/** Makes the clip's files unless they are already there (same spec, same names). */
export async function prepareClip(spec: ClipSpec): Promise<ClipFiles> {
  const dir = join(tmpdir(), 'x-bench-video');
  mkdirSync(dir, { recursive: true });
  const name = `testsrc2-${spec.width}x${spec.height}-${spec.fps}fps-${spec.bitsPerSecond}-${spec.seconds}s`;
  const files = { ivf: join(dir, `${name}.ivf`), i420: join(dir, `testsrc2-${spec.width}x${spec.height}-1s.yuv`) };
  const source = ['-f', 'lavfi', '-i', `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps}`];
  const kbps = `${Math.round(spec.bitsPerSecond / 1000)}k`;
  // Written under a temporary name and renamed, so an interrupted run leaves no half file behind.
  if (!existsSync(files.ivf)) {
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...source, '-t', String(spec.seconds), '-c:v', 'libvpx',
      '-b:v', kbps, '-minrate', kbps, '-maxrate', kbps, '-bufsize', `${Math.round(spec.bitsPerSecond / 2000)}k`,
      '-deadline', 'realtime', '-cpu-used', '8', '-g', String(spec.seconds * spec.fps), '-auto-alt-ref', '0', '-lag-in-frames', '0',
      '-f', 'ivf', `${files.ivf}.part`], { timeout: 120_000 });
    renameSync(`${files.ivf}.part`, files.ivf);
  }
  if (!existsSync(files.i420)) {
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...source, '-t', '1', '-pix_fmt', 'yuv420p', '-f', 'rawvideo', `${files.i420}.part`], { timeout: 60_000 });
    renameSync(`${files.i420}.part`, files.i420);
  }
  return files;
}

/** The VP8 frames of an IVF file (@x/rtp reads it), each marked keyframe or not. */
export function readIvf(path: string): Vp8Frame[] {
  // VP8 frame tag (RFC 6386 §9.1): bit 0 of the first byte is 0 for a keyframe.
  return readIvfFile(readFileSync(path)).frames.map((f) => ({ data: f.data, keyframe: (f.data[0]! & 1) === 0 }));
}

/** The raw I420 frames of the one-second file. */
export function readI420(path: string, width: number, height: number): Uint8Array[] {
  const file = readFileSync(path);
  const size = (width * height * 3) / 2;
  const frames: Uint8Array[] = [];
  for (let at = 0; at + size <= file.length; at += size) frames.push(new Uint8Array(file.buffer, file.byteOffset + at, size));
  return frames;
}
