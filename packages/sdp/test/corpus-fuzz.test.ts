/**
 * Corpus-seeded fuzzing: session descriptions from real calls (ours and libwebrtc, see
 * test/corpus/), mutated line by line and character by character, into the SDP parser and the
 * candidate parser. Only SdpError may come out. FUZZ_RUNS / FUZZ_SEED scale it (`pnpm fuzz`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, parseCandidate, SdpError } from '../src/index.js';
import { corpusItems, fuzzParameters, mutatedText } from '@x/testing';

const descriptions = corpusItems(new URL('./corpus/descriptions.json', import.meta.url));
const candidateLines = descriptions.flatMap((d) => d.split('\r\n').filter((l) => l.startsWith('a=candidate:')).map((l) => l.slice(2)));

function onlySdpError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof SdpError)) throw e;
  }
}

describe('SDP parsers on mutated real descriptions', () => {
  it('the corpus parses as it was captured', () => {
    expect(descriptions.length).toBeGreaterThan(1);
    for (const d of descriptions) expect(parse(d).media.length).toBeGreaterThan(0);
  });

  it('parse throws nothing but SdpError', () => {
    fc.assert(fc.property(mutatedText(descriptions), (text) => {
      onlySdpError(() => parse(text));
    }), fuzzParameters(300));
  });

  it('parseCandidate throws nothing but SdpError', () => {
    const seeds = candidateLines.length > 0 ? candidateLines : ['candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host'];
    fc.assert(fc.property(mutatedText(seeds), (text) => {
      onlySdpError(() => parseCandidate(text));
    }), fuzzParameters(400));
  });
});
