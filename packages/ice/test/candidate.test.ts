import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressKey,
  bytesToIp,
  ipToBytes,
  sameAddress,
  candidatePriority,
  computeFoundation,
  formatCandidate,
  IceError,
  localPreference,
  pairPriority,
  parseCandidate,
  TYPE_PREFERENCE,
} from '../src/index.js';

describe('candidate priority (RFC 8445 §5.1.2)', () => {
  it('matches the formula with the recommended type preferences', () => {
    // The values libwebrtc puts in SDP for the top local preference.
    expect(candidatePriority(TYPE_PREFERENCE.host, 65535, 1)).toBe(2130706431);
    expect(candidatePriority(TYPE_PREFERENCE.srflx, 65535, 1)).toBe(1694498815);
    expect(candidatePriority(TYPE_PREFERENCE.prflx, 65535, 1)).toBe(1862270975);
    expect(candidatePriority(TYPE_PREFERENCE.relay, 65535, 1)).toBe(16777215);
    expect(candidatePriority(126, 0, 256)).toBe(126 * 2 ** 24);
  });

  it('orders type preferences host > prflx > srflx > relay whatever the local preference', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }), (a, b) => {
        expect(candidatePriority(126, a)).toBeGreaterThan(candidatePriority(110, b));
        expect(candidatePriority(110, a)).toBeGreaterThan(candidatePriority(100, b));
        expect(candidatePriority(100, a)).toBeGreaterThan(candidatePriority(0, b));
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('local preference orders interfaces first, then IPv6 over IPv4', () => {
    expect(localPreference(0, 6)).toBe(65535);
    expect(localPreference(0, 6)).toBeGreaterThan(localPreference(0, 4));
    expect(localPreference(0, 4)).toBeGreaterThan(localPreference(1, 6));
    expect(localPreference(1, 6)).toBeGreaterThan(localPreference(1, 4));
    expect(localPreference(1000, 4)).toBeGreaterThanOrEqual(0);
  });

  it('rejects out-of-range inputs with IceError', () => {
    expect(() => candidatePriority(127, 0)).toThrow(IceError);
    expect(() => candidatePriority(1, 70000)).toThrow(IceError);
    expect(() => candidatePriority(1, 1, 0)).toThrow(IceError);
  });
});

describe('pair priority (RFC 8445 §6.1.2.3)', () => {
  it('is 2^32*min + 2*max + (G>D)', () => {
    expect(pairPriority(10, 20)).toBe((10n << 32n) + 40n);
    expect(pairPriority(20, 10)).toBe((10n << 32n) + 41n);
    expect(pairPriority(7, 7)).toBe((7n << 32n) + 14n);
  });
  it('is the same pair order whichever side computes it, G/D swapped with the role', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (g, d) => {
        const p = pairPriority(g, d);
        expect(p >> 32n).toBe(BigInt(Math.min(g, d)));
        expect(p - pairPriority(d, g)).toBe(g > d ? 1n : g < d ? -1n : 0n);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('foundation (RFC 8445 §5.1.1.3)', () => {
  it('is equal for same type, base IP, server and transport, and differs otherwise', () => {
    expect(computeFoundation('host', '127.0.0.1')).toBe(computeFoundation('host', '127.0.0.1'));
    expect(computeFoundation('host', '127.0.0.1')).not.toBe(computeFoundation('host', '::1'));
    expect(computeFoundation('host', '127.0.0.1')).not.toBe(computeFoundation('srflx', '127.0.0.1'));
    expect(computeFoundation('srflx', '10.0.0.1', '127.0.0.1')).not.toBe(computeFoundation('srflx', '10.0.0.1', '127.0.0.2'));
    expect(computeFoundation('host', '127.0.0.1')).toMatch(/^[0-9]{1,10}$/);
  });
});

describe('candidate attribute (RFC 8839 §5.1)', () => {
  it('parses and formats a server-reflexive candidate with extensions', () => {
    const text = 'candidate:842163049 1 udp 1677729535 198.51.100.7 46154 typ srflx raddr 10.0.0.5 rport 46154 generation 0 ufrag EsAw network-cost 999';
    const c = parseCandidate(`a=${text}`);
    expect(c).toEqual({
      foundation: '842163049',
      component: 1,
      transport: 'udp',
      priority: 1677729535,
      address: '198.51.100.7',
      port: 46154,
      type: 'srflx',
      relatedAddress: '10.0.0.5',
      relatedPort: 46154,
      extensions: [
        ['generation', '0'],
        ['ufrag', 'EsAw'],
        ['network-cost', '999'],
      ],
    });
    expect(formatCandidate(c)).toBe(text);
  });

  it('accepts aioice form without the candidate: prefix, upper-case transport and mDNS names', () => {
    const c = parseCandidate('1 1 UDP 2114977791 192.0.2.2 53989 typ host');
    expect(c.transport).toBe('udp');
    expect(c.foundation).toBe('1');
    const m = parseCandidate('candidate:1 1 udp 2113937151 4f6b3c6e-2a4d-4d4b-9b59-1f0b1d6e2a11.local 56101 typ host');
    expect(m.address).toBe('4f6b3c6e-2a4d-4d4b-9b59-1f0b1d6e2a11.local');
    const t = parseCandidate('candidate:1876313031 1 tcp 1518157055 ::1 37235 typ host tcptype passive generation 0');
    expect(t.tcpType).toBe('passive');
  });

  it('parses every candidate line of the repo\'s SDP fixtures (seven real peers) and formats it back', () => {
    const dir = join(__dirname, '../../../fixtures/sdp');
    let n = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.sdp'))) {
      for (const line of readFileSync(join(dir, f), 'utf8').split(/\r?\n/)) {
        if (!line.startsWith('a=candidate:')) continue;
        const c = parseCandidate(line);
        const again = parseCandidate(formatCandidate(c));
        expect(again).toEqual(c);
        n++;
      }
    }
    expect(n).toBeGreaterThan(10);
  });

  it('rejects bad lines with IceError invalid-candidate', () => {
    const bad = [
      '',
      'candidate:',
      'candidate:1 1 udp 1 1.2.3.4 5 typ',
      'candidate:1 1 udp 1 1.2.3.4 5 typ bogus',
      'candidate:1 0 udp 1 1.2.3.4 5 typ host',
      'candidate:1 257 udp 1 1.2.3.4 5 typ host',
      'candidate:1 1 udp 0 1.2.3.4 5 typ host',
      'candidate:1 1 udp 4294967296 1.2.3.4 5 typ host',
      'candidate:1 1 udp 1 1.2.3.4 65536 typ host',
      'candidate:1 1 udp 1 1.2.3.4 -1 typ host',
      'candidate:1 1 udp 1 1.2.3.4 5 type host',
      'candidate:1 1 udp 1 1.2.3.4 5 typ host raddr',
      'candidate:1 1 udp 1 1.2.3.4 5 typ srflx raddr 1.2.3.4 rport 99999',
      'candidate:123456789012345678901234567890123 1 udp 1 1.2.3.4 5 typ host',
      'candidate:1 1 udp 1 1.2.3.4<script> 5 typ host',
      `candidate:1 1 udp 1 1.2.3.4 5 typ host ${'x '.repeat(3000)}`,
    ];
    for (const b of bad) {
      try {
        parseCandidate(b);
        expect.fail(`accepted ${b}`);
      } catch (e) {
        expect(e).toBeInstanceOf(IceError);
        expect((e as IceError).code).toBe('invalid-candidate');
      }
    }
  });

  it('throws only IceError on arbitrary strings (fast-check, fixed seed)', () => {
    const tokens = fc.constantFrom('candidate:1', '1', 'udp', 'UDP', '2130706431', '127.0.0.1', '::1', '9', 'typ', 'host', 'srflx', 'raddr', 'rport', 'x', '', '-1', '99999999999');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.array(tokens, { maxLength: 16 }).map((a) => a.join(' '))), (s) => {
        try {
          const c = parseCandidate(s);
          expect(parseCandidate(formatCandidate(c))).toEqual(c);
        } catch (e) {
          expect(e).toBeInstanceOf(IceError);
        }
      }),
      { seed: 1234, numRuns: 2000 },
    );
  });
});

describe('transport addresses', () => {
  it('round-trips IPv4, IPv6 and IPv4-mapped text canonically (RFC 5952)', () => {
    expect(bytesToIp(ipToBytes('127.0.0.1'))).toBe('127.0.0.1');
    expect(bytesToIp(ipToBytes('::1'))).toBe('::1');
    expect(bytesToIp(ipToBytes('2001:0db8:0000:0000:0000:0000:0000:0001'))).toBe('2001:db8::1');
    expect(bytesToIp(ipToBytes('2001:db8:0:1:0:0:0:1'))).toBe('2001:db8:0:1::1');
    expect(bytesToIp(ipToBytes('::ffff:1.2.3.4'))).toBe('::ffff:102:304');
    expect(() => ipToBytes('foo.local')).toThrow(IceError);
  });

  it('compares addresses by value, IPv6 in canonical form', () => {
    expect(sameAddress({ address: '2001:db8::1', port: 1 }, { address: '2001:0db8:0:0:0:0:0:1', port: 1 })).toBe(true);
    expect(sameAddress({ address: '2001:db8::1', port: 1 }, { address: '2001:db8::1', port: 2 })).toBe(false);
    expect(sameAddress({ address: '127.0.0.1', port: 1 }, { address: '::1', port: 1 })).toBe(false);
    expect(addressKey({ address: '2001:0db8::0001', port: 9 })).toBe('[2001:db8::1]:9');
  });
});
