/**
 * Corpus-seeded fuzzing: STUN messages captured from real ICE traffic (ours and libwebrtc, see
 * test/corpus/), mutated, into the decoder, the attribute readers, the integrity check and the
 * ChannelData parser. Only StunError may come out. FUZZ_RUNS / FUZZ_SEED scale it (`pnpm fuzz`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attributeCodecs, decodeMessage, encodeChannelData, parseChannelData, shortTermKey, StunError,
} from '../src/index.js';
import { corpusPackets, fuzzParameters, mutatedPacket } from '@x/testing';

const messages = corpusPackets(new URL('./corpus/stun-messages.json', import.meta.url));

function onlyStunError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof StunError)) throw e;
  }
}

describe('STUN parsers on mutated real packets', () => {
  it('the corpus decodes as it was captured', () => {
    expect(messages.length).toBeGreaterThan(5);
    for (const m of messages) expect(() => decodeMessage(m)).not.toThrow();
  });

  it('decodeMessage, every attribute codec and verifyIntegrity throw nothing but StunError', () => {
    const key = shortTermKey('password');
    const codecs = [...attributeCodecs.values()];
    fc.assert(fc.property(mutatedPacket(messages), (bytes) => {
      onlyStunError(() => {
        const msg = decodeMessage(bytes);
        for (const codec of codecs) onlyStunError(() => msg.get(codec));
        onlyStunError(() => msg.verifyIntegrity(key));
        onlyStunError(() => msg.unknownComprehensionRequired());
      });
    }), fuzzParameters(400));
  });

  it('parseChannelData on mutated ChannelData framing real messages throws nothing but StunError', () => {
    const framed = messages.map((m, i) => encodeChannelData(0x4000 + i, m, i % 2 === 0));
    fc.assert(fc.property(mutatedPacket(framed), (bytes) => {
      onlyStunError(() => parseChannelData(bytes));
    }), fuzzParameters(400));
  });
});
