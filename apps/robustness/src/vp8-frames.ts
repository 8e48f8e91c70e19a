/**
 * Real VP8 frames for media tests: Debian's ffmpeg encodes its test pattern with libvpx into an
 * IVF file, which is read back into frames.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Frames of an IVF file: a header of `headerSize` bytes, then (size LE32, pts LE64, frame)… */
export function readIvf(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const frames: Uint8Array[] = [];
  for (let offset = view.getUint16(6, true); offset + 12 <= file.length;) {
    const size = view.getUint32(offset, true);
    frames.push(file.slice(offset + 12, offset + 12 + size));
    offset += 12 + size;
  }
  return frames;
}

/** A VP8 frame is a keyframe when bit 0 of its first byte is 0 (RFC 6386 §9.1). */
export function isVp8Keyframe(frame: Uint8Array): boolean {
  return (frame[0]! & 1) === 0;
}

/** How {@link encodeVp8} encodes. */
export interface Vp8EncodeOptions {
  /** Frames between keyframes (default 60). */
  readonly gop?: number;
  /** Target bitrate for libvpx (default '400k'). */
  readonly bitrate?: string;
  /** Picture size (default 320x240). */
  readonly size?: string;
  /** Temporal noise over the pattern, so the encoder has something to spend the bitrate on. */
  readonly noise?: boolean;
}

/** `seconds` of ffmpeg's test pattern at 30 fps, encoded by libvpx. */
export function encodeVp8(seconds: number, options: Vp8EncodeOptions = {}): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'vp8-'));
  try {
    const file = join(dir, 'out.ivf');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${options.size ?? '320x240'}:rate=30`, '-t', String(seconds),
      ...(options.noise === true ? ['-vf', 'noise=alls=20:allf=t'] : []),
      '-c:v', 'libvpx', '-b:v', options.bitrate ?? '400k', '-g', String(options.gop ?? 60), '-deadline', 'realtime', file]);
    return readIvf(new Uint8Array(readFileSync(file)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
