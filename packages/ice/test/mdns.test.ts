import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeDnsMessage,
  DNS_TYPE,
  encodeDnsMessage,
  encodeMdnsQuery,
  IceError,
  IceTransport,
  isMdnsName,
  mdnsAnswerFor,
  MdnsResponder,
} from '../src/index.js';
import { connectPair, exchangeData, LOOPBACK } from './helpers.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

// An mDNS response laid out by hand from RFC 1035 §4.1 and RFC 6762 §10.2 / §18: header (QR|AA),
// the question foo.local A IN, and an answer whose name is a compression pointer to offset 12,
// class IN with the cache-flush bit, TTL 120, A 127.0.0.1.
const RESPONSE = hex(`0000 8400 0001 0001 0000 0000
  03 666f6f 05 6c6f63616c 00 0001 0001
  c00c 0001 8001 00000078 0004 7f000001`);

describe('DNS message codec (RFC 1035 subset for mDNS)', () => {
  it('decodes a response with a compressed name and the cache-flush bit', () => {
    const m = decodeDnsMessage(RESPONSE);
    expect(m.isResponse).toBe(true);
    expect(m.questions).toEqual([{ name: 'foo.local', type: DNS_TYPE.A, unicastResponse: false }]);
    expect(m.answers.length).toBe(1);
    expect(m.answers[0]!).toMatchObject({ name: 'foo.local', type: DNS_TYPE.A, ttl: 120, address: '127.0.0.1', cacheFlush: true });
    expect(mdnsAnswerFor(RESPONSE, 'FOO.local')).toBe('127.0.0.1');
    expect(mdnsAnswerFor(RESPONSE, 'bar.local')).toBeUndefined();
  });

  it('encodes a query as the RFC lays it out: QDCOUNT 2, A and AAAA, class IN', () => {
    expect(Buffer.from(encodeMdnsQuery('foo.local')).toString('hex')).toBe(
      '000000000002000000000000' + '03666f6f056c6f63616c0000010001' + '03666f6f056c6f63616c00001c0001',
    );
  });

  it('rejects truncations, pointer loops and bad lengths with IceError malformed-dns', () => {
    for (let n = 0; n < RESPONSE.length; n++) expect(() => decodeDnsMessage(RESPONSE.subarray(0, n))).toThrow(IceError);
    const loop = Uint8Array.from(RESPONSE);
    loop.set([0xc0, 0x0c], 12); // the question name points at itself
    expect(() => decodeDnsMessage(loop)).toThrow(/pointer loop/);
    const badA = Uint8Array.from(RESPONSE);
    badA[RESPONSE.length - 5] = 3; // A rdlength 3
    expect(() => decodeDnsMessage(badA)).toThrow(IceError);
  });

  it('throws only IceError on garbage and mutations (fast-check, fixed seed)', () => {
    const mutated = fc.tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 5 }), fc.nat()).map(([edits, cut]) => {
      const b = Uint8Array.from(RESPONSE);
      for (const [i, x] of edits) b[i % b.length] = x;
      return b.subarray(0, cut % (b.length + 1));
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 100 }), mutated), (data) => {
        try {
          decodeDnsMessage(data);
        } catch (e) {
          expect(e).toBeInstanceOf(IceError);
          expect((e as IceError).code).toBe('malformed-dns');
        }
      }),
      { seed: 6762, numRuns: 3000 },
    );
  });
});

describe('mDNS responder (RFC 6762 §6)', () => {
  it('answers A queries for its IPv4 names, AAAA for IPv6, and stays silent otherwise', () => {
    const r = new MdnsResponder();
    const v4 = r.register('127.0.0.1');
    const v6 = r.register('::1');
    expect(isMdnsName(v4)).toBe(true);
    expect(v4).toMatch(/^[0-9a-f-]{36}\.local$/);
    expect(mdnsAnswerFor(r.handleQuery(encodeMdnsQuery(v4))!, v4)).toBe('127.0.0.1');
    expect(mdnsAnswerFor(r.handleQuery(encodeMdnsQuery(v6))!, v6)).toBe('::1');
    expect(r.handleQuery(encodeMdnsQuery('other.local'))).toBeUndefined();
    const onlyAaaa = encodeDnsMessage({ id: 0, isResponse: false, questions: [{ name: v4, type: DNS_TYPE.AAAA }], answers: [] });
    expect(r.handleQuery(onlyAaaa)).toBeUndefined();
    // Responses are not queries.
    expect(r.handleQuery(RESPONSE)).toBeUndefined();
    expect(r.handleQuery(new Uint8Array([1, 2, 3]))).toBeUndefined();
    expect(r.dropped).toBe(1);
  });
});

describe('mDNS candidates end to end, without multicast', () => {
  const open: IceTransport[] = [];
  afterEach(() => {
    for (const t of open.splice(0)) t.close();
  });

  it('a peer hiding its host addresses behind .local names is reached through the resolver', async () => {
    const responder = new MdnsResponder();
    // The resolver speaks real mDNS messages, carried to the responder in-process.
    const resolver = async (name: string) => {
      const reply = responder.handleQuery(encodeMdnsQuery(name));
      return reply ? mdnsAnswerFor(reply, name) : undefined;
    };
    const a = new IceTransport({ controlling: true, ...LOOPBACK, mdnsHostnames: responder });
    const b = new IceTransport({ controlling: false, ...LOOPBACK, mdnsResolver: resolver });
    open.push(a, b);
    const announced: string[] = [];
    a.onLocalCandidate((c) => c && announced.push(c.address));
    await connectPair(a, b);
    expect(announced.length).toBe(2);
    for (const name of announced) expect(isMdnsName(name)).toBe(true);
    expect(responder.size).toBe(2);
    expect(await exchangeData(a, b, 'hidden')).toBe('hidden');
    expect(b.selectedPair!.remote.address === '127.0.0.1' || b.selectedPair!.remote.address === '::1').toBe(true);
  });
});
