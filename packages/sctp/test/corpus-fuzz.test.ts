/**
 * Corpus-seeded fuzzing: plaintext SCTP packets of a real association of ours (INIT to
 * RE-CONFIG, DATA with DCEP, SACK, FORWARD-TSN; see test/corpus/), mutated, into the packet and
 * chunk decoder, the DCEP decoder, and a live association's packet handler. Only SctpError may
 * come out of the decoders; the association never throws. FUZZ_RUNS / FUZZ_SEED scale it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Association, decodeDcep, decodePacket, SctpError, type AssociationHandler } from '../src/index.js';
import { corpusPackets, fuzzParameters, mutatedPacket } from '@x/testing';

const packets = corpusPackets(new URL('./corpus/packets.json', import.meta.url));
const dcep = corpusPackets(new URL('./corpus/dcep.json', import.meta.url));

function onlySctpError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof SctpError)) throw e;
  }
}

describe('SCTP parsers on mutated real packets', () => {
  it('the corpus decodes as it was captured', () => {
    expect(packets.length).toBeGreaterThan(10);
    for (const p of packets) expect(decodePacket(p).chunks.length).toBeGreaterThan(0);
    for (const d of dcep) expect(() => decodeDcep(d)).not.toThrow();
  });

  it('decodePacket and decodeDcep throw nothing but SctpError', () => {
    fc.assert(fc.property(mutatedPacket(packets), mutatedPacket(dcep.length > 0 ? dcep : packets), (packet, message) => {
      onlySctpError(() => decodePacket(packet));
      onlySctpError(() => decodeDcep(message));
    }), fuzzParameters(400));
  });

  it('an association handed mutated packets never throws', () => {
    const handler = new Proxy({}, { get: () => () => undefined }) as AssociationHandler;
    const association = new Association({ handler });
    association.connect(0);
    let now = 0;
    fc.assert(fc.property(mutatedPacket(packets), (bytes) => {
      now += 10;
      association.handlePacket(bytes, now);
      for (let p = association.pollTransmit(now); p !== undefined; p = association.pollTransmit(now));
    }), fuzzParameters(400));
  });
});
