/**
 * IVF and Ogg Opus files (src/ivf.ts, src/ogg-opus.ts) against the files ffmpeg wrote for the
 * test vectors: read them, write them back, and let ffmpeg decode what we write. Bad files give
 * RtpError, never another exception.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { opusPacketSamples, readIvf, readOggOpus, RtpError, vp8KeyframeSize, writeIvf, writeOggOpus } from '../src/index.js';
import { vector } from './containers.js';

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;

/** What ffmpeg makes of a file: frames (or audio frames) decoded, and its error lines. */
function ffmpegDecode(bytes: Uint8Array, extension: string): { frames: number; errors: string } {
  const dir = mkdtempSync(join(tmpdir(), 'x-rtp-media-'));
  try {
    const file = join(dir, `in.${extension}`);
    writeFileSync(file, bytes);
    const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'framemd5', '-'], { encoding: 'utf8' });
    return { frames: r.stdout.split('\n').filter((l) => /^\d/.test(l)).length, errors: r.stderr.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('IVF', () => {
  it('reads the VP8, VP9 and AV1 vectors ffmpeg wrote: fourcc, size, time base, every frame', () => {
    for (const [name, fourcc] of [['vp8.ivf', 'VP80'], ['vp9.ivf', 'VP90'], ['av1.ivf', 'AV01']] as const) {
      const file = readIvf(vector(name));
      expect(file.fourcc).toBe(fourcc);
      expect(file.frames.length).toBeGreaterThan(10);
      expect(file.width).toBeGreaterThan(0);
      expect(file.timebase.denominator).toBeGreaterThan(0);
      expect(file.frames.every((f, i) => i === 0 || f.pts > file.frames[i - 1]!.pts)).toBe(true);
    }
    const vp8 = readIvf(vector('vp8.ivf'));
    expect(vp8KeyframeSize(vp8.frames[0]!.data)).toEqual({ width: vp8.width, height: vp8.height });
  });

  it('writes a file that reads back the same, byte for byte what ffmpeg wrote given the same header', () => {
    const original = vector('vp8.ivf');
    const file = readIvf(original);
    const written = writeIvf(file.frames, file);
    expect(Buffer.from(written.subarray(0, 28)).equals(Buffer.from(original.subarray(0, 28)))).toBe(true);
    expect(Buffer.from(written.subarray(32)).equals(Buffer.from(original.subarray(32)))).toBe(true);
    // Bare frames are numbered 0, 1, 2… and a VP8 file takes its size from the first keyframe.
    const bare = readIvf(writeIvf(file.frames.map((f) => f.data)));
    expect(bare.frames.map((f) => f.pts)).toEqual(file.frames.map((_, i) => i));
    expect([bare.width, bare.height]).toEqual([file.width, file.height]);
  });

  it.skipIf(!hasFfmpeg)('ffmpeg decodes every frame of a VP8 file we wrote, without an error', () => {
    const frames = readIvf(vector('vp8.ivf')).frames.map((f) => f.data);
    const out = ffmpegDecode(writeIvf(frames), 'ivf');
    expect(out.errors).toBe('');
    expect(out.frames).toBe(frames.length);
  });

  it('bad files: RtpError with a code, never another exception', () => {
    const good = vector('vp8.ivf');
    expect(() => readIvf(new Uint8Array(10))).toThrow(RtpError);
    expect(() => readIvf(good.subarray(0, good.length - 1))).toThrow(expect.objectContaining({ code: 'truncated' }));
    expect(() => writeIvf([], { fourcc: 'VP8' })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 600 }), (noise, cut) => {
      const input = new Uint8Array([...good.subarray(0, cut), ...noise]);
      try {
        readIvf(input);
      } catch (e) {
        if (!(e instanceof RtpError)) throw e;
      }
    }), { numRuns: 500, seed: 7 });
  });
});

describe('Ogg Opus', () => {
  it('reads the Opus vector ffmpeg wrote: OpusHead, every packet, each with its samples', () => {
    const file = readOggOpus(vector('opus.ogg'));
    expect(file.channels).toBeGreaterThanOrEqual(1);
    expect(file.packets.length).toBeGreaterThan(10);
    // 20 ms frames at 48 kHz, as ffmpeg's libopus writes by default.
    expect(file.packets.every((p) => opusPacketSamples(p) === 960)).toBe(true);
  });

  it('writes a file that reads back the same packets and channels', () => {
    const file = readOggOpus(vector('opus.ogg'));
    const back = readOggOpus(writeOggOpus(file.packets, { channels: file.channels }));
    expect(back.channels).toBe(file.channels);
    expect(back.packets.map((p) => Buffer.from(p).toString('hex'))).toEqual(file.packets.map((p) => Buffer.from(p).toString('hex')));
  });

  it.skipIf(!hasFfmpeg)('ffmpeg decodes every packet of an Ogg Opus file we wrote, checksums included, without an error', () => {
    const packets = readOggOpus(vector('opus.ogg')).packets;
    const out = ffmpegDecode(writeOggOpus(packets), 'ogg');
    expect(out.errors).toBe('');
    expect(out.frames).toBeGreaterThanOrEqual(packets.length - 1);
    // ffmpeg checks each page's CRC: one flipped byte in a page is reported.
    const broken = writeOggOpus(packets);
    broken[broken.length - 3]! ^= 0xff;
    expect(ffmpegDecode(broken, 'ogg').errors).not.toBe('');
  });

  it('bad files: RtpError with a code, never another exception', () => {
    const good = vector('opus.ogg');
    expect(() => readOggOpus(new Uint8Array(5))).toThrow(RtpError);
    expect(() => readOggOpus(good.subarray(0, good.length - 1))).toThrow(expect.objectContaining({ code: 'truncated' }));
    expect(() => writeOggOpus([], { channels: 0 })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 400 }), (noise, cut) => {
      try {
        readOggOpus(new Uint8Array([...good.subarray(0, cut), ...noise]));
      } catch (e) {
        if (!(e instanceof RtpError)) throw e;
      }
    }), { numRuns: 500, seed: 8 });
  });
});
