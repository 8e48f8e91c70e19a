/**
 * Corpus-seeded fuzzing: candidate attributes from real offers and answers (ours and libwebrtc,
 * see test/corpus/), mutated, into the candidate parser; only IceError may come out, and what
 * parses has the fields RFC 8839 requires; and real STUN checks and answers, mutated, into an agent
 * that knows their source, which never throws. FUZZ_RUNS / FUZZ_SEED scale it (`pnpm fuzz`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IceAgent, IceError, parseCandidate } from '../src/index.js';
import { corpusItems, corpusPackets, fuzzParameters, mutatedPacket, mutatedText } from '@x/testing';

const candidates = corpusItems(new URL('./corpus/candidates.json', import.meta.url));
const stunMessages = corpusPackets(new URL('./corpus/stun-messages.json', import.meta.url));

describe('ICE candidate parser on mutated real candidates', () => {
  it('the corpus parses as it was captured', () => {
    expect(candidates.length).toBeGreaterThan(3);
    for (const c of candidates) expect(() => parseCandidate(c)).not.toThrow();
  });

  it('parseCandidate throws nothing but IceError, and a parsed candidate has a port and a type', () => {
    fc.assert(fc.property(mutatedText(candidates), (text) => {
      try {
        const c = parseCandidate(text);
        expect(Number.isInteger(c.port)).toBe(true);
        expect(typeof c.type).toBe('string');
      } catch (e) {
        if (!(e instanceof IceError)) throw e;
      }
    }), fuzzParameters(500));
  });

  it('an agent handed mutated real STUN checks and answers from a known source never throws', () => {
    const agent = new IceAgent({ controlling: false });
    const source = { address: '127.0.0.1', port: 5000 };
    agent.addHostCandidate(1, { address: '127.0.0.1', port: 6000 }, 0, 0);
    agent.setRemoteParameters({ usernameFragment: 'peer', password: 'peerpasswordof22charsxx' }, 0);
    agent.addRemoteCandidate(parseCandidate('candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host'), 0);
    let now = 0;
    fc.assert(fc.property(mutatedPacket(stunMessages), (bytes) => {
      now += 5;
      agent.handleDatagram(bytes, 1, source, now);
      agent.handleTimeout(now);
      while (agent.pollTransmit() !== undefined);
      while (agent.pollEvent() !== undefined);
    }), fuzzParameters(500));
    agent.close();
  });
});
