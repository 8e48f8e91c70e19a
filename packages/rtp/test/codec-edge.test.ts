import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  splitAnnexB, H264Packetizer, H264Depacketizer, Av1Packetizer, Av1Depacketizer, splitObus, writeLeb128, isVp9KeyframeHeader,
  Vp8Packetizer, Vp8Depacketizer, Vp9Packetizer, Vp9Depacketizer, RtpError, JitterBuffer,
} from '../src/index.js';
import type { RtpPacket } from '../src/index.js';
import { hex, toHex, throwsCode } from './helpers.js';

describe('Annex-B splitting (H.264 B.2)', () => {
  it('3- and 4-byte start codes, trailing zeros, leading garbage', () => {
    const s = hex('ffee' + '00000001' + '6742' + '000001' + '68ce' + '0000' + '00000001' + '65aa00');
    expect(splitAnnexB(s).map(toHex)).toEqual(['6742', '68ce', '65aa']);
    expect(splitAnnexB(hex('000001'))).toEqual([]);
    expect(splitAnnexB(new Uint8Array(0))).toEqual([]);
  });
  it('property: NAL units survive packetize → depacketize at any MTU', () => {
    const nal = fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((b) => {
      // No start-code emulation inside (H.264 uses emulation prevention), forbidden bit 0, a real type.
      const out = Array.from(b, (x) => (x === 0 ? 1 : x));
      out[0] = (out[0]! & 0x60) | ((out[0]! % 23) + 1);
      return new Uint8Array(out);
    });
    fc.assert(fc.property(fc.array(nal, { minLength: 1, maxLength: 6 }), fc.integer({ min: 3, max: 1400 }), (nals, mtu) => {
      const payloads = new H264Packetizer({ maxPayloadSize: mtu }).packetizeNalUnits(nals);
      for (const p of payloads) expect(p.length).toBeLessThanOrEqual(mtu);
      expect(splitAnnexB(new H264Depacketizer().depacketize(payloads)).map(toHex)).toEqual(nals.map(toHex));
    }), { seed: 6184, numRuns: 300 });
  });
});

describe('AV1 OBUs', () => {
  it('keeps the extension header (temporal/spatial id) through the round trip', () => {
    // OBU_FRAME with extension: header 0x36 (type 6, E=1, has_size=1), ext 0x48 (tid 2, sid 1), size 3
    const tu = hex('1200' + '3648' + '03' + 'aabbcc');
    const payloads = new Av1Packetizer().packetize(tu);
    expect(toHex(payloads[0]!)).toBe('10' + '3448aabbcc'); // W=1, size bit cleared
    expect(toHex(new Av1Depacketizer().depacketize(payloads))).toBe(toHex(tu));
    expect(splitObus(tu).map((o) => o.type)).toEqual([2, 6]);
  });
  it('property: OBU lists survive packetize → depacketize at any MTU', () => {
    const obu = fc.tuple(fc.constantFrom(1, 3, 4, 5, 6, 7), fc.boolean(), fc.uint8Array({ maxLength: 2500 })).map(([type, ext, payload]) => {
      const size = new Uint8Array(8);
      const n = writeLeb128(size, 0, payload.length);
      return new Uint8Array([(type << 3) | (ext ? 4 : 0) | 2, ...(ext ? [0x20] : []), ...size.subarray(0, n), ...payload]);
    });
    fc.assert(fc.property(fc.array(obu, { minLength: 1, maxLength: 6 }), fc.integer({ min: 4, max: 1400 }), (obus, mtu) => {
      const tu = new Uint8Array([0x12, 0x00, ...obus.flatMap((o) => [...o])]);
      const payloads = new Av1Packetizer({ maxPayloadSize: mtu }).packetize(tu);
      for (const p of payloads) expect(p.length).toBeLessThanOrEqual(mtu);
      expect(toHex(new Av1Depacketizer().depacketize(payloads))).toBe(toHex(tu));
    }), { seed: 1, numRuns: 300 });
  });
  it('refuses an OBU that runs past the temporal unit', () => {
    throwsCode(() => splitObus(hex('320aaabb')), 'bad-payload');
    throwsCode(() => splitObus(hex('b200')), 'bad-payload'); // forbidden bit
  });
});

describe('VP8 and VP9 split any frame at any MTU', () => {
  it('property: bytes survive, payloads fit, first packet starts the frame', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 8000 }), fc.integer({ min: 5, max: 1400 }), (frame, mtu) => {
      for (const [pk, dp] of [[new Vp8Packetizer({ maxPayloadSize: mtu }), new Vp8Depacketizer()], [new Vp9Packetizer({ maxPayloadSize: mtu }), new Vp9Depacketizer()]] as const) {
        const payloads = pk.packetize(frame);
        for (const p of payloads) expect(p.length).toBeLessThanOrEqual(mtu);
        expect(dp.isFrameStart(payloads[0]!)).toBe(true);
        expect(toHex(dp.depacketize(payloads))).toBe(toHex(frame));
      }
    }), { seed: 9628, numRuns: 200 });
    expect(() => new Vp8Packetizer().packetize(new Uint8Array(0))).toThrow(RtpError);
  });
  it('VP9 uncompressed header: key frame, inter frame, show_existing_frame, profile 3', () => {
    expect(isVp9KeyframeHeader(hex('82'))).toBe(true); // 10 0 0 | 0 0: profile 0, key
    expect(isVp9KeyframeHeader(hex('86'))).toBe(false); // frame_type 1
    expect(isVp9KeyframeHeader(hex('88'))).toBe(false); // show_existing_frame
    expect(isVp9KeyframeHeader(hex('b0'))).toBe(true); // profile 3 (1 1) + reserved 0, key
    expect(isVp9KeyframeHeader(hex('40'))).toBe(false); // bad frame marker
  });
});

describe('JitterBuffer property', () => {
  it('any arrival order with duplicates yields every frame once, in order', () => {
    const frames = Array.from({ length: 12 }, (_, n) => {
      const f = new Uint8Array(150 + n * 37).map((_, i) => (i + n) & 0xff);
      f[0] = n % 4 === 0 ? 0x10 : 0x11;
      return f;
    });
    const pk = new Vp8Packetizer({ maxPayloadSize: 100 });
    const packets: RtpPacket[] = [];
    let seq = 65500;
    frames.forEach((f, n) => {
      const ps = pk.packetize(f);
      ps.forEach((p, i) => packets.push({ marker: i === ps.length - 1, payloadType: 96, sequenceNumber: seq++ & 0xffff, timestamp: n * 3000, ssrc: 1, csrcs: [], extensions: [], payload: p, paddingSize: 0 }));
    });
    fc.assert(fc.property(fc.array(fc.nat(), { minLength: packets.length, maxLength: packets.length }), fc.array(fc.nat({ max: packets.length - 1 }), { maxLength: 10 }), (keys, dups) => {
      // Bounded reordering: each packet moves at most 8 places, so the first keyframe comes early.
      const order = packets.map((p, i) => ({ p, k: i + (keys[i]! % 9) })).sort((a, b) => a.k - b.k).map((x) => x.p);
      for (const d of dups) order.splice(d + 1, 0, packets[d]!);
      const jb = new JitterBuffer({ depacketizer: new Vp8Depacketizer() });
      const dp = new Vp8Depacketizer();
      const out: string[] = [];
      for (const p of order) { jb.insert(p); for (let f = jb.pop(); f; f = jb.pop()) out.push(toHex(dp.depacketize(f.payloads))); }
      // With reordering this bounded, frame 0 (a keyframe) completes before frame 4 (the next one).
      expect(out).toEqual(frames.map(toHex));
    }), { seed: 3550, numRuns: 200 });
  });
});
