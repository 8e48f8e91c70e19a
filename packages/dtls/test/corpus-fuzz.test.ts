/**
 * Corpus-seeded fuzzing: DTLS datagrams captured from real handshakes and traffic (ours and
 * libwebrtc, see test/corpus/), and the plaintext handshake bodies in them, mutated, into the
 * record parser, the handshake fragment parser and the hello parsers. Only DtlsError may come
 * out. FUZZ_RUNS / FUZZ_SEED scale it (`pnpm fuzz`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DtlsError, parseClientHello, parseHandshakeFragments, parseHelloVerifyRequest, parseRecord, parseRecords, parseServerHello,
} from '../src/index.js';
import { corpusPackets, fuzzParameters, mutatedPacket } from '@x/testing';

const datagrams = corpusPackets(new URL('./corpus/datagrams.json', import.meta.url));
const handshakes = corpusPackets(new URL('./corpus/handshake-fragments.json', import.meta.url));

function onlyDtlsError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DtlsError)) throw e;
  }
}

/** Parses a handshake body as far as the parsers go. */
function parseHandshake(body: Uint8Array): void {
  for (const fragment of parseHandshakeFragments(body)) {
    if (fragment.fragmentOffset !== 0 || fragment.body.length !== fragment.length) continue;
    if (fragment.msgType === 1) onlyDtlsError(() => parseClientHello(fragment.body));
    if (fragment.msgType === 2) onlyDtlsError(() => parseServerHello(fragment.body));
    if (fragment.msgType === 3) onlyDtlsError(() => parseHelloVerifyRequest(fragment.body));
  }
}

describe('DTLS parsers on mutated real packets', () => {
  it('the corpus parses as it was captured: records, fragments, hellos', () => {
    expect(datagrams.length).toBeGreaterThan(10);
    expect(handshakes.length).toBeGreaterThan(3);
    for (const d of datagrams) expect(parseRecords(d).length).toBeGreaterThan(0);
    for (const h of handshakes) expect(() => parseHandshake(h)).not.toThrow();
  });

  it('parseRecord and parseRecords throw nothing but DtlsError; parseRecords reports drops instead', () => {
    fc.assert(fc.property(mutatedPacket(datagrams), (bytes) => {
      onlyDtlsError(() => {
        for (let o = 0; o < bytes.length;) o = parseRecord(bytes, o).next;
      });
      const dropped: unknown[] = [];
      const records = parseRecords(bytes, (e) => dropped.push(e));
      expect(Array.isArray(records)).toBe(true);
      expect(dropped.every((e) => e instanceof DtlsError)).toBe(true);
    }), fuzzParameters(400));
  });

  it('handshake fragments and the hello messages in them throw nothing but DtlsError', () => {
    fc.assert(fc.property(mutatedPacket(handshakes), (bytes) => {
      onlyDtlsError(() => parseHandshake(bytes));
    }), fuzzParameters(400));
  });
});
