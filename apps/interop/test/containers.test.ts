// The containers the media scenarios use (@x/rtp's IVF and Ogg Opus, the harness's H.264 access
// units) against Debian's ffmpeg: files ffmpeg made read back frame for frame, and what we write
// ffmpeg decodes without a complaint.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { opusPacketSamples, readIvf, readOggOpus, RtpError, writeIvf, writeOggOpus } from '@x/rtp';
import { ContainerError, readH264AccessUnits } from '../src/media/containers.js';
import { decodeCheck, ffmpegMissing, makeMediaFiles, mediaSeconds } from '../src/media/ffmpeg.js';

const missing = ffmpegMissing();
const ci = process.env.CI === 'true';
const dir = mkdtempSync(join(tmpdir(), 'x-interop-containers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(missing && !ci)(`IVF, Ogg Opus and H.264 with ffmpeg${missing ? ` (${missing})` : ''}`, () => {
  const files = makeMediaFiles(dir);

  it('reads every VP8 frame of an IVF ffmpeg wrote, and writes one ffmpeg decodes frame for frame', () => {
    const ivf = readIvf(readFileSync(files.ivf));
    expect(ivf).toMatchObject({ fourcc: 'VP80', width: 320, height: 240 });
    expect(ivf.frames).toHaveLength(30 * mediaSeconds);
    expect(ivf.frames[0]!.data[0]! & 1).toBe(0); // a keyframe first
    const out = join(dir, 'copy.ivf');
    writeFileSync(out, writeIvf(ivf.frames.map((f) => f.data)));
    expect(decodeCheck(out)).toEqual({ codec: 'vp8', frames: 30 * mediaSeconds, errors: '' });
    expect(readIvf(readFileSync(out)).frames.map((f) => f.data)).toEqual(ivf.frames.map((f) => f.data));
  });

  it('reads every Opus packet of an Ogg ffmpeg wrote, and writes one ffmpeg decodes packet for packet', () => {
    const packets = readOggOpus(readFileSync(files.ogg)).packets;
    expect(packets.length).toBeGreaterThanOrEqual(50 * mediaSeconds);
    expect(packets.every((p) => opusPacketSamples(p) === 960)).toBe(true);
    const out = join(dir, 'copy.ogg');
    writeFileSync(out, writeOggOpus(packets));
    expect(decodeCheck(out)).toEqual({ codec: 'opus', frames: packets.length, errors: '' });
    expect(readOggOpus(readFileSync(out)).packets).toEqual(packets);
  });

  it('splits the H.264 ffmpeg wrote into access units, an IDR every 15, which ffmpeg decodes frame for frame', () => {
    const stream = readFileSync(files.h264);
    const units = readH264AccessUnits(stream);
    expect(units).toHaveLength(30 * mediaSeconds);
    expect(units.filter((u) => u.keyframe).length).toBe(2 * mediaSeconds);
    expect(units[0]!.keyframe && units[15]!.keyframe && !units[1]!.keyframe).toBe(true);
    expect(Buffer.concat(units.map((u) => u.data))).toEqual(stream);
    // Constrained baseline: the SPS (after the AUD) has profile_idc 66 and constraint_set1.
    const sps = units[0]!.data.subarray(units[0]!.data.indexOf(0x67));
    expect([sps[1], sps[2]! & 0x40]).toEqual([66, 0x40]);
    const out = join(dir, 'copy.h264');
    writeFileSync(out, Buffer.concat(units.slice(15).map((u) => u.data)));
    expect(decodeCheck(out)).toEqual({ codec: 'h264', frames: 30 * mediaSeconds - 15, errors: '' });
  });
});

describe('bad container input', () => {
  it('gives RtpError (IVF, Ogg) or ContainerError (H.264) for garbage, truncations and a missing OpusHead', () => {
    expect(() => readIvf(new Uint8Array(10))).toThrow(RtpError);
    const ivf = writeIvf([new Uint8Array(100)]);
    expect(() => readIvf(ivf.subarray(0, ivf.length - 10))).toThrow(RtpError);
    expect(() => readOggOpus(new TextEncoder().encode('not an ogg file at all, really not'))).toThrow(RtpError);
    const ogg = writeOggOpus([new Uint8Array([0xfc, 1, 2, 3])]);
    expect(() => readOggOpus(ogg.subarray(0, ogg.length - 2))).toThrow(RtpError);
    expect(() => readOggOpus(ogg.subarray(47))).toThrow(RtpError); // OpusTags first: no OpusHead
    expect(() => readH264AccessUnits(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(ContainerError);
    expect(() => readH264AccessUnits(new Uint8Array([0, 0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68]))).toThrow(ContainerError); // no AUD
  });
});
