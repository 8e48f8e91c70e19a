import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Vp8Packetizer, Vp8Depacketizer, parseVp8PayloadDescriptor, H264Packetizer, H264Depacketizer, Vp9Packetizer,
  Vp9Depacketizer, parseVp9PayloadDescriptor, Av1Packetizer, Av1Depacketizer, splitObus, OpusPacketizer, OpusDepacketizer,
  readLeb128, writeLeb128, leb128Size, splitAnnexB,
} from '../src/index.js';
import type { RtpDepacketizer } from '../src/index.js';
import { annexB, readH264AccessUnits, readIvf, readOpusPackets, vector } from './containers.js';
import { hex, onlyRtpError, throwsCode, toHex } from './helpers.js';

const MTU = 1200;

describe('VP8 (RFC 7741) on real libvpx frames', () => {
  const { fourcc, frames } = readIvf(vector('vp8.ivf'));
  it('vector file is VP8 with frames larger than one packet', () => {
    expect(fourcc).toBe('VP80');
    expect(frames.length).toBe(12);
    expect(Math.max(...frames.map((f) => f.length))).toBeGreaterThan(MTU);
  });
  it('packetize fits the MTU, depacketize rebuilds each frame bit-exact, keyframes at the GOP boundaries', () => {
    const pk = new Vp8Packetizer({ pictureId: 0x7ffe });
    const dp = new Vp8Depacketizer();
    frames.forEach((frame, n) => {
      const payloads = pk.packetize(frame);
      for (const p of payloads) expect(p.length).toBeLessThanOrEqual(MTU);
      expect(payloads.map((p) => dp.isFrameStart(p))).toEqual(payloads.map((_, i) => i === 0));
      expect(parseVp8PayloadDescriptor(payloads[0]!).pictureId).toBe((0x7ffe + n) & 0x7fff); // 15-bit wrap
      expect(dp.isKeyframe(payloads)).toBe(n % 6 === 0);
      expect(toHex(dp.depacketize(payloads))).toBe(toHex(frame));
    });
  });
  it('parses every descriptor field (RFC 7741 §4.2)', () => {
    // X=1 N=1 S=1 PID=2 | I L T K | M=1 PictureID 0x1234 | TL0PICIDX 7 | TID=2 Y=1 KEYIDX=5
    const d = parseVp8PayloadDescriptor(hex('b2f0923407a5ff'));
    expect(d).toEqual({ nonReference: true, startOfPartition: true, partitionIndex: 2, pictureId: 0x1234, pictureIdLong: true, tl0PicIdx: 7, temporalLayerId: 2, layerSync: true, keyIdx: 5, size: 6 });
    expect(parseVp8PayloadDescriptor(hex('908005ff'))).toMatchObject({ pictureId: 5, pictureIdLong: false, size: 3 });
    throwsCode(() => parseVp8PayloadDescriptor(hex('9080')), 'bad-payload');
    throwsCode(() => parseVp8PayloadDescriptor(hex('90c0')), 'bad-payload');
  });
  it('without PictureID the descriptor is one octet', () => {
    const p = new Vp8Packetizer({ pictureId: false }).packetize(new Uint8Array(10));
    expect(toHex(p[0]!.subarray(0, 1))).toBe('10');
  });
});

describe('H.264 (RFC 6184, packetization-mode 1) on real libx264 frames', () => {
  const units = readH264AccessUnits(vector('h264.h264'));
  it('vector has 12 access units, SPS/PPS and NAL units larger than the MTU', () => {
    expect(units.length).toBe(12);
    expect(units[0]!.map((n) => n[0]! & 0x1f)).toContain(7);
    expect(Math.max(...units.flat().map((n) => n.length))).toBeGreaterThan(MTU);
  });
  it('single NAL, STAP-A and FU-A all appear; NAL units come back bit-exact', () => {
    const pk = new H264Packetizer();
    const dp = new H264Depacketizer();
    const seen = new Set<number>();
    units.forEach((nals, n) => {
      const payloads = pk.packetize(annexB(nals));
      for (const p of payloads) { expect(p.length).toBeLessThanOrEqual(MTU); seen.add(p[0]! & 0x1f); }
      expect(dp.isFrameStart(payloads[0]!)).toBe(true);
      // In a keyframe the first IDR slice after SPS/PPS/SEI also "could start" a picture; elsewhere
      // only the first packet (first_mb_in_slice = 0) does, not the following slices or FU-A fragments.
      if (n % 6 !== 0) expect(payloads.slice(1).some((p) => dp.isFrameStart(p))).toBe(false);
      expect(dp.isKeyframe(payloads)).toBe(n % 6 === 0);
      const out = dp.depacketize(payloads);
      expect(splitAnnexB(out).map(toHex)).toEqual(nals.map(toHex));
      expect(toHex(out)).toBe(toHex(annexB(nals)));
    });
    expect(seen.has(24)).toBe(true);
    expect(seen.has(28)).toBe(true);
  });
  it('STAP-A and FU-A layouts (RFC 6184 §5.7.1, §5.8)', () => {
    const sps = hex('6742c01e'); const pps = hex('68ce3c80');
    const [stap] = new H264Packetizer().packetizeNalUnits([sps, pps]);
    expect(toHex(stap!)).toBe('78' + '0004' + '6742c01e' + '0004' + '68ce3c80'); // NRI = max NRI (3)
    const idr = new Uint8Array(30).fill(0xab); idr[0] = 0x65;
    const fus = new H264Packetizer({ maxPayloadSize: 12 }).packetizeNalUnits([idr]);
    expect(fus.map((f) => toHex(f.subarray(0, 2)))).toEqual(['7c85', '7c05', '7c45']); // S, middle, E; type 5
    expect(toHex(new H264Depacketizer().depacketize(fus))).toBe('00000001' + toHex(idr));
  });
  it('rejects malformed payloads with RtpError', () => {
    const dp = new H264Depacketizer();
    throwsCode(() => dp.depacketize([hex('78000a6742')]), 'bad-payload'); // STAP-A size past the end
    throwsCode(() => dp.depacketize([hex('7c05aaaa')]), 'bad-payload'); // FU-A without start
    throwsCode(() => dp.depacketize([hex('7c')]), 'bad-payload');
    throwsCode(() => dp.depacketize([hex('19aabb')]), 'bad-payload'); // STAP-B is not mode 1
    throwsCode(() => dp.depacketize([new Uint8Array(0)]), 'bad-payload');
  });
});

describe('VP9 (RFC 9628) on real libvpx-vp9 frames', () => {
  const { fourcc, frames } = readIvf(vector('vp9.ivf'));
  it('round-trips bit-exact with keyframes detected', () => {
    expect(fourcc).toBe('VP90');
    const pk = new Vp9Packetizer();
    const dp = new Vp9Depacketizer();
    let multi = 0;
    frames.forEach((frame, n) => {
      const payloads = pk.packetize(frame);
      if (payloads.length > 1) multi++;
      for (const p of payloads) expect(p.length).toBeLessThanOrEqual(MTU);
      const d0 = parseVp9PayloadDescriptor(payloads[0]!);
      const dl = parseVp9PayloadDescriptor(payloads[payloads.length - 1]!);
      expect([d0.startOfFrame, dl.endOfFrame, d0.pictureId]).toEqual([true, true, n]);
      expect(d0.interPicturePredicted).toBe(n % 6 !== 0);
      expect(d0.flexibleMode).toBe(true);
      expect(d0.pDiffs).toEqual(n % 6 !== 0 ? [1] : []);
      expect(dp.isKeyframe(payloads)).toBe(n % 6 === 0);
      expect(toHex(dp.depacketize(payloads))).toBe(toHex(frame));
    });
    expect(multi).toBeGreaterThan(0);
  });
  it('parses flexible mode with layer indices, P_DIFFs and a scalability structure', () => {
    // I P L F B E V Z = 1 1 1 1 1 0 1 0 | M PID 0x0102 | TID1 U1 SID2 D1 | P_DIFF 3 N=1, P_DIFF 5 N=0 |
    // SS: N_S=1 (2 layers) Y=1 G=1 | 320x180, 640x360 | N_G=1 | TID0 U0 R1 | P_DIFF 1
    const d = parseVp9PayloadDescriptor(hex('fa' + '8102' + '35' + '07' + '0a' + '38' + '014000b4' + '02800168' + '01' + '04' + '01' + 'ee'));
    expect(d).toMatchObject({ interPicturePredicted: true, flexibleMode: true, startOfFrame: true, endOfFrame: false, pictureId: 0x102, temporalLayerId: 1, switchingUpPoint: true, spatialLayerId: 2, interLayerDependency: true, pDiffs: [3, 5], size: 18 });
    expect(d.scalabilityStructure).toEqual({ spatialLayers: 2, resolutions: [{ width: 320, height: 180 }, { width: 640, height: 360 }] });
    throwsCode(() => parseVp9PayloadDescriptor(hex('fa8102350709')), 'bad-payload');
    throwsCode(() => parseVp9PayloadDescriptor(hex('d00303030303')), 'bad-payload'); // 4 P_DIFFs
  });
});

describe('AV1 (AOM RTP payload format v1.0) on real libaom frames', () => {
  const { fourcc, frames } = readIvf(vector('av1.ivf'));
  it('round-trips each temporal unit, sets N on keyframes, drops temporal delimiters', () => {
    expect(fourcc).toBe('AV01');
    const pk = new Av1Packetizer();
    const dp = new Av1Depacketizer();
    frames.forEach((tu, n) => {
      const payloads = pk.packetize(tu);
      for (const p of payloads) expect(p.length).toBeLessThanOrEqual(MTU);
      expect(dp.isKeyframe(payloads)).toBe(n % 6 === 0);
      const out = dp.depacketize(payloads);
      const norm = (b: Uint8Array) => splitObus(b).map((o) => [o.type, toHex(o.header.subarray(1)), toHex(o.payload)]);
      expect(norm(out)).toEqual(norm(tu));
      expect(toHex(out)).toBe(toHex(tu)); // libaom writes minimal leb128 sizes, so even the bytes match
    });
  });
  it('fragments a large OBU with Z/Y and W, and rebuilds it', () => {
    const obu = new Uint8Array(3000).map((_, i) => i & 0xff);
    const tu = new Uint8Array([0x12, 0x00, 0x32, ...(() => { const b = new Uint8Array(2); writeLeb128(b, 0, 3000); return b; })(), ...obu]);
    const payloads = new Av1Packetizer().packetize(tu);
    expect(payloads.length).toBe(3);
    expect(payloads.map((p) => p[0]! & 0xf0)).toEqual([0x50, 0xd0, 0x90]); // Y W=1 | Z Y W=1 | Z W=1
    expect(toHex(new Av1Depacketizer().depacketize(payloads))).toBe(toHex(tu));
  });
  it('aggregation header example: W=2, two OBU elements, the last without a length', () => {
    const p = hex('20' + '02' + '3201' + '3aaabb'); // W=2; [len 2: OBU frame, no size, 1 byte] [OBU type 7, 2 bytes]
    expect(toHex(new Av1Depacketizer().depacketize([p]))).toBe('1200' + '320101' + '3a02aabb');
  });
  it('leb128', () => {
    const b = new Uint8Array(8);
    expect(writeLeb128(b, 0, 300)).toBe(2);
    expect(toHex(b.subarray(0, 2))).toBe('ac02');
    expect(readLeb128(b, 0)).toEqual({ value: 300, length: 2 });
    expect(leb128Size(127)).toBe(1);
    expect(leb128Size(128)).toBe(2);
    throwsCode(() => readLeb128(hex('ffffffffffffffffff'), 0), 'bad-payload');
    throwsCode(() => readLeb128(hex('80'), 0), 'bad-payload');
  });
  it('rejects malformed payloads', () => {
    const dp = new Av1Depacketizer();
    throwsCode(() => dp.depacketize([hex('0005aa')]), 'bad-payload');
    throwsCode(() => dp.depacketize([hex('9001aa')]), 'bad-payload'); // Z without an open OBU
  });
});

describe('Opus (RFC 7587) on real libopus packets', () => {
  const packets = readOpusPackets(vector('opus.ogg'));
  it('one packet per frame, unchanged', () => {
    expect(packets.length).toBeGreaterThanOrEqual(25);
    expect(packets[0]![0]! >> 3).toBeGreaterThanOrEqual(0); // TOC byte present
    const pk = new OpusPacketizer();
    const dp = new OpusDepacketizer();
    for (const p of packets) {
      const payloads = pk.packetize(p);
      expect(payloads.length).toBe(1);
      expect(dp.isKeyframe()).toBe(true);
      expect(toHex(dp.depacketize(payloads))).toBe(toHex(p));
    }
    throwsCode(() => pk.packetize(new Uint8Array(1201)), 'invalid-argument');
  });
});

describe('depacketizers meet garbage', () => {
  const all: [string, RtpDepacketizer][] = [['vp8', new Vp8Depacketizer()], ['vp9', new Vp9Depacketizer()], ['h264', new H264Depacketizer()], ['av1', new Av1Depacketizer()]];
  it('fast-check: only RtpError comes out', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 60 }), { minLength: 1, maxLength: 4 }), (payloads) => {
      for (const [, dp] of all) {
        onlyRtpError(() => dp.depacketize(payloads));
        onlyRtpError(() => dp.isKeyframe(payloads));
        for (const p of payloads) onlyRtpError(() => dp.isFrameStart(p));
      }
    }), { seed: 7741, numRuns: 3000 });
  });
});
