import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  parseRtpPacket, serializeRtpPacket, rtpPacketSize, getRtpExtension, isRtcpPacket, RtpError,
  parseAbsSendTime, serializeAbsSendTime, absSendTimeFromMs, parseTransportWideSequenceNumber,
  serializeTransportWideSequenceNumber, parseAudioLevel, serializeAudioLevel, parseVideoOrientation,
  serializeVideoOrientation, parseSdesIdExtension, serializeSdesIdExtension,
} from '../src/index.js';
import type { RtpPacket } from '../src/index.js';
import { hex, onlyRtpError, throwsCode, toHex } from './helpers.js';

describe('RTP fixed header (RFC 3550 §5.1)', () => {
  // V=2 P=0 X=0 CC=0 | M=1 PT=96 | seq 0x1234 | ts 0xdeadbeef | ssrc 0x01020304 | payload aa bb
  const bytes = hex('80e01234deadbeef01020304aabb');
  it('parses every field', () => {
    const p = parseRtpPacket(bytes);
    expect(p).toMatchObject({ marker: true, payloadType: 96, sequenceNumber: 0x1234, timestamp: 0xdeadbeef, ssrc: 0x01020304, csrcs: [], extensions: [], paddingSize: 0 });
    expect(toHex(p.payload)).toBe('aabb');
  });
  it('payload is a view, not a copy', () => {
    const p = parseRtpPacket(bytes);
    expect(p.payload.buffer).toBe(bytes.buffer);
    expect(p.payload.byteOffset).toBe(12);
  });
  it('serializes back byte for byte', () => {
    expect(toHex(serializeRtpPacket(parseRtpPacket(bytes)))).toBe(toHex(bytes));
  });
  it('CSRCs and padding (P bit, count in the last octet)', () => {
    const b = hex('a26000010000000a0000000b' + '11111111' + '22222222' + 'cafe' + '000003');
    const p = parseRtpPacket(b);
    expect(p.csrcs).toEqual([0x11111111, 0x22222222]);
    expect(p.paddingSize).toBe(3);
    expect(toHex(p.payload)).toBe('cafe');
    expect(toHex(serializeRtpPacket(p))).toBe(toHex(b));
    expect(rtpPacketSize(p)).toBe(b.length);
  });
  it('writes into a caller buffer at an offset', () => {
    const out = new Uint8Array(64);
    const w = serializeRtpPacket(parseRtpPacket(bytes), out, 10);
    expect(w.buffer).toBe(out.buffer);
    expect(toHex(out.subarray(10, 10 + bytes.length))).toBe(toHex(bytes));
  });
  it('tells RTCP from RTP by the second octet (RFC 5761)', () => {
    expect(isRtcpPacket(bytes)).toBe(false);
    expect(isRtcpPacket(hex('80c8000600000001'))).toBe(true);
    expect(isRtcpPacket(hex('81cd0002'))).toBe(true);
  });
});

describe('header extensions (RFC 8285)', () => {
  it('one-byte form, example layout of §4.2: ids 1 (1 byte), 2 (2 bytes), padding, 3 (4 bytes)', () => {
    // 0xBEDE, length 3 words: 10 AA | 21 BB BB | 00 00 (padding) | 33 CC CC CC CC | 00 (padding to 12)
    const b = hex('900000010000000000000001' + 'bede0003' + '10aa21bbbb000033cccccccc' + 'ff');
    const p = parseRtpPacket(b);
    expect(p.extensions.map((e) => [e.id, toHex(e.value)])).toEqual([[1, 'aa'], [2, 'bbbb'], [3, 'cccccccc']]);
    expect(toHex(p.payload)).toBe('ff');
    expect(toHex(getRtpExtension(p, 2)!)).toBe('bbbb');
    expect(getRtpExtension(p, 9)).toBeUndefined();
  });
  it('one-byte form: id 15 stops processing (§4.2)', () => {
    const b = hex('900000010000000000000001' + 'bede0001' + '10aaf0bb');
    expect(parseRtpPacket(b).extensions.map((e) => e.id)).toEqual([1]);
  });
  it('two-byte form (§4.3), appbits ignored, zero-length element', () => {
    // 0x1000 | appbits 5, 2 words: [id 1, len 0] [id 20, len 3, 01 02 03] pad
    const b = hex('900000010000000000000001' + '10050002' + '0100' + '1403010203' + '00');
    const p = parseRtpPacket(b);
    expect(p.extensions.map((e) => [e.id, toHex(e.value)])).toEqual([[1, ''], [20, '010203']]);
  });
  it('serializer picks one-byte when it fits and two-byte otherwise; both round-trip', () => {
    const base: RtpPacket = { marker: false, payloadType: 111, sequenceNumber: 65535, timestamp: 0xffffffff, ssrc: 1, csrcs: [], extensions: [], payload: hex('0102'), paddingSize: 0 };
    const one = serializeRtpPacket({ ...base, extensions: [{ id: 1, value: hex('aa') }, { id: 14, value: new Uint8Array(16) }] });
    expect(toHex(one.subarray(12, 16))).toBe('bede0005');
    expect(parseRtpPacket(one).extensions.map((e) => [e.id, e.value.length])).toEqual([[1, 1], [14, 16]]);
    const two = serializeRtpPacket({ ...base, extensions: [{ id: 15, value: hex('aa') }, { id: 2, value: new Uint8Array(17) }] });
    expect(toHex(two.subarray(12, 14))).toBe('1000');
    expect(parseRtpPacket(two).extensions.map((e) => [e.id, e.value.length])).toEqual([[15, 1], [2, 17]]);
  });
  it('keeps a non-RFC-8285 extension raw', () => {
    const b = hex('900000010000000000000001' + 'abcd0001' + '01020304' + '99');
    const p = parseRtpPacket(b);
    expect(p.rawExtension?.profile).toBe(0xabcd);
    expect(toHex(p.rawExtension!.data)).toBe('01020304');
    expect(toHex(serializeRtpPacket(p))).toBe(toHex(b));
  });
});

describe('extension value codecs', () => {
  it('abs-send-time is 6.18 fixed point seconds, 24 bits', () => {
    expect(absSendTimeFromMs(1000)).toBe(1 << 18);
    expect(absSendTimeFromMs(64000)).toBe(0); // wraps every 64 s
    expect(toHex(serializeAbsSendTime(1500))).toBe('060000');
    expect(parseAbsSendTime(hex('060000'))).toBe(1.5 * 262144);
    throwsCode(() => parseAbsSendTime(hex('0600')), 'bad-payload');
  });
  it('transport-wide sequence number', () => {
    expect(toHex(serializeTransportWideSequenceNumber(0xbeef))).toBe('beef');
    expect(parseTransportWideSequenceNumber(hex('beef'))).toBe(0xbeef);
    throwsCode(() => parseTransportWideSequenceNumber(hex('be')), 'bad-payload');
  });
  it('audio level (RFC 6464 §3: V bit, level in -dBov)', () => {
    expect(parseAudioLevel(hex('9e'))).toEqual({ voiceActivity: true, level: 30 });
    expect(toHex(serializeAudioLevel({ voiceActivity: false, level: 127 }))).toBe('7f');
  });
  it('video orientation (CVO: C F R1 R0)', () => {
    expect(parseVideoOrientation(hex('0b'))).toEqual({ backFacing: true, flip: false, rotation: 270 });
    expect(toHex(serializeVideoOrientation({ backFacing: false, flip: true, rotation: 90 }))).toBe('05');
  });
  it('mid/rid strings', () => {
    expect(parseSdesIdExtension(serializeSdesIdExtension('0'))).toBe('0');
    expect(parseSdesIdExtension(hex('686900'))).toBe('hi');
    throwsCode(() => parseSdesIdExtension(hex('00')), 'bad-payload');
  });
});

describe('bad RTP input', () => {
  it('short packets', () => {
    for (let n = 0; n < 12; n++) throwsCode(() => parseRtpPacket(new Uint8Array(n).fill(0x80)), 'truncated');
  });
  it('wrong version', () => throwsCode(() => parseRtpPacket(hex('400000000000000000000000')), 'bad-version'));
  it('CSRC count past the end', () => throwsCode(() => parseRtpPacket(hex('8f0000000000000000000000aabbccdd')), 'truncated'));
  it('extension length past the end', () => {
    throwsCode(() => parseRtpPacket(hex('900000010000000000000001bede0004aabbccdd')), 'bad-extension');
    throwsCode(() => parseRtpPacket(hex('900000010000000000000001bede')), 'truncated');
  });
  it('extension element past the block', () => {
    throwsCode(() => parseRtpPacket(hex('900000010000000000000001bede00011fbbccdd')), 'bad-extension');
    throwsCode(() => parseRtpPacket(hex('9000000100000000000000011000000101ffccdd')), 'bad-extension');
  });
  it('bad padding: zero count or larger than the packet', () => {
    throwsCode(() => parseRtpPacket(hex('a00000010000000000000001aa00')), 'bad-padding');
    throwsCode(() => parseRtpPacket(hex('a00000010000000000000001aa05')), 'bad-padding');
  });
  it('serializer refuses out-of-range fields', () => {
    const p: RtpPacket = { marker: false, payloadType: 128, sequenceNumber: 0, timestamp: 0, ssrc: 0, csrcs: [], extensions: [], payload: new Uint8Array(0), paddingSize: 0 };
    expect(() => serializeRtpPacket(p)).toThrow(RtpError);
    expect(() => serializeRtpPacket({ ...p, payloadType: 0, extensions: [{ id: 256, value: hex('00') }] })).toThrow(RtpError);
    expect(() => serializeRtpPacket({ ...p, payloadType: 0, csrcs: new Array(16).fill(0) })).toThrow(RtpError);
  });
  it('fast-check: garbage gives a packet or an RtpError, never another error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      if (b.length > 0) b[0] = (b[0]! & 0x3f) | 0x80; // mostly version 2, so the deeper paths run
      onlyRtpError(() => parseRtpPacket(b));
    }), { seed: 3550, numRuns: 5000 });
  });
  it('fast-check: any valid packet round-trips', () => {
    const ext = fc.record({ id: fc.integer({ min: 1, max: 255 }), value: fc.uint8Array({ minLength: 1, maxLength: 20 }) });
    fc.assert(fc.property(
      fc.record({
        marker: fc.boolean(), payloadType: fc.integer({ min: 0, max: 127 }), sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
        timestamp: fc.integer({ min: 0, max: 0xffffffff }), ssrc: fc.integer({ min: 0, max: 0xffffffff }),
        csrcs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }), extensions: fc.array(ext, { maxLength: 5 }),
        payload: fc.uint8Array({ maxLength: 100 }), paddingSize: fc.integer({ min: 0, max: 40 }),
      }),
      (p) => {
        const q = parseRtpPacket(serializeRtpPacket(p));
        expect({ ...q, payload: [...q.payload], rawExtension: undefined, extensions: q.extensions.map((e) => [e.id, [...e.value]]) })
          .toEqual({ ...p, payload: [...p.payload], rawExtension: undefined, extensions: p.extensions.map((e) => [e.id, [...e.value]]) });
      }), { seed: 8285, numRuns: 500 });
  });
});
