/**
 * Corpus-seeded fuzzing: plaintext VP8 RTP packets as our peer received them in a real call, and
 * the RTCP headers of real SRTCP packets (see test/corpus/), mutated, into the RTP parser, the
 * RTCP parser and the VP8 depacketizer. Only RtpError may come out. FUZZ_RUNS / FUZZ_SEED scale
 * it (`pnpm fuzz`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRtcp, parseRtpPacket, RtpError, Vp8Depacketizer, parseVp8PayloadDescriptor } from '../src/index.js';
import { corpusPackets, fuzzParameters, mutatedPacket } from '@x/testing';

const rtp = corpusPackets(new URL('./corpus/rtp.json', import.meta.url));
// SRTCP: the trailer (E flag + index, 4 bytes, and the 10-byte tag) is cut; the body stays
// encrypted, so these seeds exercise the header and length walking.
const rtcp = corpusPackets(new URL('./corpus/rtcp-headers.json', import.meta.url)).map((p) => p.subarray(0, Math.max(8, p.length - 14)));

function onlyRtpError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof RtpError)) throw e;
  }
}

describe('RTP and RTCP parsers on mutated real packets', () => {
  it('the corpus parses as it was captured', () => {
    expect(rtp.length).toBeGreaterThan(10);
    for (const p of rtp) expect(parseRtpPacket(p).payloadType).toBeGreaterThanOrEqual(0);
  });

  it('parseRtpPacket, the VP8 payload descriptor and the depacketizer throw nothing but RtpError', () => {
    const depacketizer = new Vp8Depacketizer();
    fc.assert(fc.property(fc.array(mutatedPacket(rtp), { minLength: 1, maxLength: 4 }), (packets) => {
      const payloads: Uint8Array[] = [];
      for (const bytes of packets) {
        onlyRtpError(() => {
          const packet = parseRtpPacket(bytes);
          payloads.push(packet.payload);
          onlyRtpError(() => parseVp8PayloadDescriptor(packet.payload));
        });
      }
      if (payloads.length > 0) onlyRtpError(() => depacketizer.depacketize(payloads));
    }), fuzzParameters(400));
  });

  it('parseRtcp throws nothing but RtpError', () => {
    fc.assert(fc.property(mutatedPacket([...rtcp, ...rtp]), (bytes) => {
      onlyRtpError(() => parseRtcp(bytes));
    }), fuzzParameters(400));
  });
});
