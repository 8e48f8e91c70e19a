// W3C WebRTC §4.8.3 RTCPeerConnectionIceEvent (WPT webrtc/RTCPeerConnectionIceEvent-constructor.html):
// the init dictionary is optional, candidate is an RTCIceCandidate or null (default null), url a
// string or null (default null).
import { describe, expect, it } from 'vitest';
import { RTCIceCandidate, RTCPeerConnectionIceEvent } from '../../src/index.js';
import { thrown } from '../helpers.js';

const Ctor = RTCPeerConnectionIceEvent as unknown as new (type?: string, init?: unknown) => RTCPeerConnectionIceEvent;

describe('RTCPeerConnectionIceEvent constructor', () => {
  it('needs a type', () => {
    expect(thrown(() => new Ctor())).toBe('TypeError');
  });

  it('defaults candidate and url to null, with or without an init dictionary', () => {
    for (const init of [undefined, {}, { candidate: null }, { candidate: undefined }, { url: null }]) {
      const e = new Ctor('icecandidate', init);
      expect(e.type).toBe('icecandidate');
      expect(e.candidate).toBeNull();
      expect(e.url).toBeNull();
      expect(e.bubbles).toBe(false);
      expect(e.cancelable).toBe(false);
    }
  });

  it('carries the candidate, the url and the EventInit members', () => {
    const candidate = new RTCIceCandidate({ sdpMid: '0' });
    const e = new RTCPeerConnectionIceEvent('x', { candidate, url: 'stun:127.0.0.1', bubbles: true, cancelable: true });
    expect(e.candidate).toBe(candidate);
    expect(e.url).toBe('stun:127.0.0.1');
    expect(e.bubbles).toBe(true);
    expect(e.cancelable).toBe(true);
  });

  it('throws TypeError for a candidate that is not an RTCIceCandidate (a plain init dictionary is not one)', () => {
    expect(thrown(() => new Ctor('icecandidate', { candidate: { candidate: '', sdpMid: '0' } }))).toBe('TypeError');
    expect(thrown(() => new Ctor('icecandidate', { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' }))).toBe('TypeError');
  });
});
