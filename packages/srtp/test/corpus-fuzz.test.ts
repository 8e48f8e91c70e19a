/**
 * Corpus-seeded fuzzing: SRTP and SRTCP packets captured from a real call (see test/corpus/),
 * mutated, into an SrtpSession's unprotect path. It never throws; every packet it refuses is
 * counted by reason; no mutation of a packet under other keys ever authenticates. FUZZ_RUNS /
 * FUZZ_SEED scale it (`pnpm fuzz`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SrtpSession, splitKeyingMaterial, type SrtpProtectionProfile } from '../src/index.js';
import { corpusPackets, fuzzParameters, mutatedPacket } from '@x/testing';

const srtp = corpusPackets(new URL('./corpus/srtp.json', import.meta.url));
const srtcp = corpusPackets(new URL('./corpus/srtcp.json', import.meta.url));

function session(profile: SrtpProtectionProfile): SrtpSession {
  const material = new Uint8Array(profile === 'SRTP_AEAD_AES_128_GCM' ? 56 : 60).map((_, i) => (i * 37 + 11) & 0xff);
  return new SrtpSession({ profile, keys: splitKeyingMaterial(profile, material), role: 'server' });
}

function refusals(s: SrtpSession): number {
  return Object.values(s.stats.dropped).reduce((a, b) => a + b, 0);
}

describe('SRTP unprotect on mutated real packets', () => {
  for (const profile of ['SRTP_AES128_CM_HMAC_SHA1_80', 'SRTP_AEAD_AES_128_GCM'] as const) {
    it(`${profile}: never throws, refuses every packet (other keys) and counts each refusal`, () => {
      expect(srtp.length).toBeGreaterThan(5);
      expect(srtcp.length).toBeGreaterThan(0);
      const s = session(profile);
      let tried = 0;
      fc.assert(fc.property(mutatedPacket(srtp), mutatedPacket(srtcp), (rtp, rtcp) => {
        expect(s.tryUnprotectRtp(rtp)).toBeUndefined();
        expect(s.tryUnprotectRtcp(rtcp)).toBeUndefined();
        tried += 2;
        expect(refusals(s)).toBe(tried);
      }), fuzzParameters(300));
    });
  }
});
