// W3C WebRTC §4.8.2 RTCIceCandidate (WPT webrtc/RTCIceCandidate-constructor.html): the init
// dictionary is optional but sdpMid and sdpMLineIndex may not both be null; the candidate line is
// not validated, only parsed into the attributes when it can be; relayProtocol and url are for
// local candidates the ICE agent gathered and are null for a constructed one.
import { describe, expect, it } from 'vitest';
import { RTCIceCandidate, type RTCIceCandidateInit } from '../../src/index.js';
import { thrown } from '../helpers.js';

const line = 'candidate:1905690388 1 udp 2113937151 192.0.2.1 58041 typ host generation 0';
const relay = 'candidate:3 1 udp 16777215 198.51.100.7 50000 typ relay raddr 203.0.113.4 rport 4000';

describe('RTCIceCandidate constructor', () => {
  it('throws TypeError when sdpMid and sdpMLineIndex are both null, whatever else is given', () => {
    const Ctor = RTCIceCandidate as unknown as new (init?: unknown) => RTCIceCandidate;
    expect(thrown(() => new Ctor())).toBe('TypeError');
    expect(thrown(() => new Ctor({}))).toBe('TypeError');
    expect(thrown(() => new Ctor({ candidate: '', sdpMid: null, sdpMLineIndex: null, usernameFragment: undefined }))).toBe('TypeError');
    expect(thrown(() => new Ctor({ candidate: '' }))).toBe('TypeError');
    expect(thrown(() => new Ctor({ candidate: line }))).toBe('TypeError');
  });

  it('takes sdpMid or sdpMLineIndex alone, with empty candidate and null ufrag by default', () => {
    for (const [init, mid, index] of [
      [{ sdpMid: 'audio' }, 'audio', null],
      [{ sdpMLineIndex: 0 }, null, 0],
      [{ sdpMid: 'audio', sdpMLineIndex: 0 }, 'audio', 0],
      [{ candidate: '', sdpMid: 'audio' }, 'audio', null],
      [{ candidate: '', sdpMLineIndex: 0 }, null, 0],
    ] as Array<[RTCIceCandidateInit, string | null, number | null]>) {
      const c = new RTCIceCandidate(init);
      expect([c.candidate, c.sdpMid, c.sdpMLineIndex, c.usernameFragment]).toEqual(['', mid, index, null]);
    }
  });

  it('keeps every given member', () => {
    const c = new RTCIceCandidate({ candidate: line, sdpMid: 'video', sdpMLineIndex: 1, usernameFragment: 'test' });
    expect([c.candidate, c.sdpMid, c.sdpMLineIndex, c.usernameFragment]).toEqual([line, 'video', 1, 'test']);
  });

  it('leaves usernameFragment null without one in the init, even when the line carries a ufrag extension', () => {
    const c = new RTCIceCandidate({ candidate: `${line} ufrag thC8`, sdpMid: 'audio' });
    expect(c.usernameFragment).toBeNull();
    expect(c.foundation).toBe('1905690388');
  });

  it('validates neither the candidate line, nor sdpMid, nor the index against any SDP', () => {
    const arbitrary = '<arbitrary string[0] content>;';
    const c = new RTCIceCandidate({ candidate: arbitrary, sdpMid: 'audio' });
    expect(c.candidate).toBe(arbitrary);
    expect([c.foundation, c.address, c.port, c.type]).toEqual([null, null, null, null]);
    expect(new RTCIceCandidate({ sdpMid: arbitrary }).sdpMid).toBe(arbitrary);
    expect(new RTCIceCandidate({ sdpMLineIndex: 65535 }).sdpMLineIndex).toBe(65535);
  });

  it('parses a valid line into its attributes', () => {
    const c = new RTCIceCandidate({ candidate: relay, sdpMid: '0' });
    expect([c.foundation, c.component, c.priority, c.address, c.protocol, c.port, c.type, c.relatedAddress, c.relatedPort]).toEqual([
      '3', 'rtp', 16777215, '198.51.100.7', 'udp', 50000, 'relay', '203.0.113.4', 4000,
    ]);
  });

  it('gives null relayProtocol and url, even for a relay line: they describe candidates this agent gathered', () => {
    const c = new RTCIceCandidate({ candidate: relay, sdpMid: '0' });
    expect(c.relayProtocol).toBeNull();
    expect(c.url).toBeNull();
  });

  it('has read-only relayProtocol and url', () => {
    const c = new RTCIceCandidate({ candidate: relay, sdpMid: '0' }) as unknown as Record<string, unknown>;
    expect(thrown(() => (c['relayProtocol'] = 'udp'))).toBe('TypeError');
    expect(thrown(() => (c['url'] = 'turn:example.org'))).toBe('TypeError');
  });

  it('toJSON gives the init members only', () => {
    const c = new RTCIceCandidate({ candidate: line, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'u' });
    expect(JSON.parse(JSON.stringify(c))).toEqual({ candidate: line, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'u' });
  });
});
