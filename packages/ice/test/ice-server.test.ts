import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IceError, parseIceServerUrl, validateIceParameters } from '../src/index.js';

describe('STUN/TURN server URLs (RFC 7064, RFC 7065)', () => {
  it('parses hosts, IPv6 literals, default ports and transports', () => {
    expect(parseIceServerUrl('stun:127.0.0.1')).toEqual({ scheme: 'stun', host: '127.0.0.1', port: 3478, transport: 'udp' });
    expect(parseIceServerUrl('stun:[::1]:19302')).toEqual({ scheme: 'stun', host: '::1', port: 19302, transport: 'udp' });
    expect(parseIceServerUrl('turn:example.org:3479?transport=udp')).toEqual({ scheme: 'turn', host: 'example.org', port: 3479, transport: 'udp' });
    expect(parseIceServerUrl('turn:example.org?transport=tcp').transport).toBe('tcp');
    expect(parseIceServerUrl('turns:example.org')).toEqual({ scheme: 'turns', host: 'example.org', port: 5349, transport: 'tcp' });
  });

  it('rejects malformed URLs with IceError invalid-parameter', () => {
    for (const bad of ['', 'http://x', 'stun:', 'stun:host:0', 'stun:host:99999', 'turn:host?transport=sctp', 'stun:ho st', 'stun://host']) {
      expect(() => parseIceServerUrl(bad)).toThrow(IceError);
    }
  });

  it('throws only IceError on arbitrary strings (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ maxLength: 40 }).map((s) => `turn:${s}`)), (s) => {
        try {
          const u = parseIceServerUrl(s);
          expect(u.port).toBeGreaterThan(0);
          expect(u.port).toBeLessThan(65536);
        } catch (e) {
          expect(e).toBeInstanceOf(IceError);
        }
      }),
      { seed: 7064, numRuns: 2000 },
    );
  });
});

describe('ICE credentials (RFC 8839 §5.4)', () => {
  it('accepts 4+ char ufrags and 22+ char passwords of ice-chars, and nothing else', () => {
    expect(() => validateIceParameters({ usernameFragment: 'abcd', password: 'a'.repeat(22) })).not.toThrow();
    expect(() => validateIceParameters({ usernameFragment: 'abc', password: 'a'.repeat(22) })).toThrow(IceError);
    expect(() => validateIceParameters({ usernameFragment: 'abcd', password: 'a'.repeat(21) })).toThrow(IceError);
    expect(() => validateIceParameters({ usernameFragment: 'ab:d', password: 'a'.repeat(22) })).toThrow(IceError);
  });
});
