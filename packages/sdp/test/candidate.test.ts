import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SdpError, parseCandidate, writeCandidate, type IceCandidate } from '../src/index.js';
import { vector, vectorNames } from './helpers.js';

const expectSdpError = (f: () => unknown, code = 'bad-candidate'): void => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SdpError);
    expect((e as SdpError).code).toBe(code);
    return;
  }
  throw new Error('expected an SdpError');
};

describe('parseCandidate', () => {
  it('reads a Chromium host candidate with libwebrtc extensions', () => {
    expect(parseCandidate('candidate:46221884 1 udp 2122194687 127.0.0.1 33886 typ host generation 0 network-id 3 network-cost 50')).toEqual({
      foundation: '46221884', component: 1, transport: 'udp', priority: 2122194687, address: '127.0.0.1', port: 33886,
      type: 'host', generation: 0, networkId: 3, networkCost: 50, extensions: [],
    });
  });

  it('accepts the a= line, the candidate: form and the bare value (aioice) alike', () => {
    const bare = '842163049 1 udp 1677729535 203.0.113.9 46154 typ srflx raddr 192.0.2.3 rport 46154 generation 0 ufrag Ab1+ network-cost 999';
    const a = parseCandidate(`a=candidate:${bare}\r\n`);
    expect(parseCandidate(`candidate:${bare}`)).toEqual(a);
    expect(parseCandidate(bare)).toEqual(a);
    expect(a).toMatchObject({ type: 'srflx', relatedAddress: '192.0.2.3', relatedPort: 46154, ufrag: 'Ab1+', networkCost: 999 });
  });

  it('reads IPv6, mDNS names, relay and prflx, TCP so', () => {
    expect(parseCandidate('candidate:1 1 udp 2122262783 fd00::2 35510 typ host').address).toBe('fd00::2');
    expect(parseCandidate('candidate:1 1 udp 2122262783 2001:db8::1:0:5 35510 typ host').address).toBe('2001:db8::1:0:5');
    expect(parseCandidate('candidate:1 1 UDP 2122252543 3b3bd9de-3f6a-4f3c-9a63-0f7f3c8b2f1e.local 49603 typ host')).toMatchObject({
      address: '3b3bd9de-3f6a-4f3c-9a63-0f7f3c8b2f1e.local', transport: 'udp',
    });
    expect(parseCandidate('candidate:3 1 udp 41885439 198.51.100.4 61234 typ relay raddr 203.0.113.9 rport 50000').type).toBe('relay');
    expect(parseCandidate('candidate:4 1 udp 1845501695 192.0.2.3 1 typ prflx raddr 192.0.2.3 rport 2').type).toBe('prflx');
    expect(parseCandidate('candidate:5 1 tcp 1518280447 192.0.2.3 0 typ host tcptype so').tcpType).toBe('so');
  });

  it('keeps unknown extensions in order', () => {
    const c = parseCandidate('candidate:1 1 udp 1 192.0.2.1 1 typ host x-foo bar generation 2 x-baz 7');
    expect(c.extensions).toEqual([{ name: 'x-foo', value: 'bar' }, { name: 'x-baz', value: '7' }]);
    expect(c.generation).toBe(2);
  });

  it.each([
    ['too few fields', 'candidate:1 1 udp 1 192.0.2.1 1 typ'],
    ['no typ keyword', 'candidate:1 1 udp 1 192.0.2.1 1 type host'],
    ['unknown type', 'candidate:1 1 udp 1 192.0.2.1 1 typ local'],
    ['component 0', 'candidate:1 0 udp 1 192.0.2.1 1 typ host'],
    ['component 257', 'candidate:1 257 udp 1 192.0.2.1 1 typ host'],
    ['port 65536', 'candidate:1 1 udp 1 192.0.2.1 65536 typ host'],
    ['negative port', 'candidate:1 1 udp 1 192.0.2.1 -1 typ host'],
    ['priority over 32 bits', 'candidate:1 1 udp 4294967296 192.0.2.1 1 typ host'],
    ['priority not a number', 'candidate:1 1 udp 1e9 192.0.2.1 1 typ host'],
    ['bad IPv4', 'candidate:1 1 udp 1 192.0.2.300 1 typ host'],
    ['bad IPv6', 'candidate:1 1 udp 1 fd00:::2 1 typ host'],
    ['bad host name', 'candidate:1 1 udp 1 -x-.local 1 typ host'],
    ['foundation too long', `candidate:${'a'.repeat(33)} 1 udp 1 192.0.2.1 1 typ host`],
    ['foundation with a bad char', 'candidate:a_b 1 udp 1 192.0.2.1 1 typ host'],
    ['bad tcptype', 'candidate:1 1 tcp 1 192.0.2.1 9 typ host tcptype both'],
    ['raddr without rport', 'candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr 192.0.2.2'],
    ['extension without value', 'candidate:1 1 udp 1 192.0.2.1 1 typ host generation'],
    ['repeated generation', 'candidate:1 1 udp 1 192.0.2.1 1 typ host generation 0 generation 1'],
    ['empty', ''],
    ['garbage', '\u0000\u0001 ☃'],
  ])('rejects %s', (_what, text) => {
    expectSdpError(() => parseCandidate(text));
  });

  it('rejects non-strings with SdpError', () => {
    expectSdpError(() => parseCandidate(42 as unknown as string));
    expectSdpError(() => parseCandidate(undefined as unknown as string));
  });
});

describe('writeCandidate', () => {
  it('writes every candidate line of the real peers back byte for byte (lower-casing UDP)', () => {
    let n = 0;
    for (const name of vectorNames()) {
      for (const line of vector(name).split(/\r\n/)) {
        if (!line.startsWith('a=candidate:')) continue;
        const expected = line.slice(2).replace(' UDP ', ' udp ').replace(' TCP ', ' tcp ');
        expect(writeCandidate(parseCandidate(line))).toBe(expected);
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(73);
  });

  it('writes raddr/rport, tcptype, generation, ufrag, network-id, network-cost, then extensions', () => {
    const c: IceCandidate = {
      foundation: 'f', component: 2, transport: 'tcp', priority: 7, address: 'fd00::2', port: 9, type: 'srflx',
      relatedAddress: '::1', relatedPort: 5, tcpType: 'passive', generation: 1, ufrag: 'u', networkId: 2, networkCost: 10,
      extensions: [{ name: 'x', value: 'y' }],
    };
    expect(writeCandidate(c)).toBe('candidate:f 2 tcp 7 fd00::2 9 typ srflx raddr ::1 rport 5 tcptype passive generation 1 ufrag u network-id 2 network-cost 10 x y');
  });
});

const iceChars = fc.stringMatching(/^[A-Za-z0-9+/]{1,32}$/);
const address = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.uuid().map((u) => `${u}.local`),
);
const candidateArb: fc.Arbitrary<IceCandidate> = fc.record({
  foundation: iceChars,
  component: fc.integer({ min: 1, max: 256 }),
  transport: fc.constantFrom('udp', 'tcp'),
  priority: fc.integer({ min: 0, max: 0xffffffff }),
  address,
  port: fc.integer({ min: 0, max: 65535 }),
  type: fc.constantFrom('host', 'srflx', 'prflx', 'relay') as fc.Arbitrary<IceCandidate['type']>,
  generation: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
  ufrag: fc.option(iceChars, { nil: undefined }),
  networkId: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  networkCost: fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
  extensions: fc.array(fc.record({ name: fc.stringMatching(/^x-[a-z]{1,8}$/), value: fc.stringMatching(/^[a-z0-9]{1,8}$/) }), { maxLength: 2 }),
}, { requiredKeys: ['foundation', 'component', 'transport', 'priority', 'address', 'port', 'type', 'extensions'] });

describe('candidate properties (fixed seed)', () => {
  it('write then parse gives the candidate back', () => {
    fc.assert(fc.property(candidateArb, (c) => {
      const clean = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as IceCandidate;
      expect(parseCandidate(writeCandidate(clean))).toEqual(clean);
    }), { seed: 8839, numRuns: 500 });
  });

  it('mutated and random input gives a candidate or an SdpError, nothing else', () => {
    const base = 'candidate:842163049 1 udp 1677729535 203.0.113.9 46154 typ srflx raddr 192.0.2.3 rport 46154 tcptype active generation 0 ufrag Ab1+ network-id 3 network-cost 10';
    const mutated = fc.tuple(fc.nat(base.length), fc.nat(base.length), fc.string({ maxLength: 12 })).map(
      ([a, b, s]) => base.slice(0, Math.min(a, b)) + s + base.slice(Math.max(a, b)),
    );
    fc.assert(fc.property(fc.oneof(mutated, fc.string(), fc.string({ unit: "binary" })), (text) => {
      try {
        const c = parseCandidate(text);
        expect(parseCandidate(writeCandidate(c))).toEqual(c);
      } catch (e) {
        if (!(e instanceof SdpError)) throw e;
      }
    }), { seed: 6544, numRuns: 3000 });
  });
});
