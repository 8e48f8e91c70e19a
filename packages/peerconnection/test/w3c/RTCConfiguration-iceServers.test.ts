// W3C WebRTC §4.2.1 RTCConfiguration.iceServers and §4.4.1.6 "set a configuration", through
// both the constructor and setConfiguration (WPT webrtc/RTCConfiguration-iceServers.html). The
// 2021 WPT file also expects `iceServers` to be undefined by default and a `credentialType`
// member; the spec has since given `iceServers` the default [] and dropped credentialType, and
// we follow the spec.
import { describe, expect, it } from 'vitest';
import type { RTCConfiguration, RTCPeerConnection } from '../../src/index.js';
import { closedAfterEach, thrown } from '../helpers.js';

const pc = closedAfterEach();

// Each case runs twice: given to the constructor, and to setConfiguration of a default connection.
const ways: [string, (c: RTCConfiguration) => RTCPeerConnection][] = [
  ['constructor', (c) => pc(c)],
  ['setConfiguration', (c) => { const a = pc(); a.setConfiguration(c); return a; }],
];

describe.each(ways)('iceServers through the %s', (_, make) => {
  it('is [] when absent or undefined', () => {
    expect(make({}).getConfiguration().iceServers).toEqual([]);
    expect(make({ iceServers: undefined }).getConfiguration().iceServers).toEqual([]);
  });

  it('null is TypeError (a sequence member cannot be null)', () => {
    expect(thrown(() => make({ iceServers: null as unknown as [] }))).toBe('TypeError');
  });

  it('urls come back as a list, whether given as a string or a list', () => {
    const a = make({ iceServers: [{ urls: 'turn:turn.example.org', username: 'user', credential: 'cred' }, { urls: ['stun:a.example.net', 'stun:b.example.net'] }] });
    expect(a.getConfiguration().iceServers).toEqual([
      { urls: ['turn:turn.example.org'], username: 'user', credential: 'cred' },
      { urls: ['stun:a.example.net', 'stun:b.example.net'] },
    ]);
  });

  it('empty urls is a SyntaxError DOMException', () => {
    let error: unknown;
    try { make({ iceServers: [{ urls: [] }] }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('SyntaxError');
  });

  it('a TURN username is at most 509 bytes (RFC 8489 §14.3): 510 is InvalidAccessError', () => {
    const name = 'a'.repeat(509);
    expect(thrown(() => make({ iceServers: [{ urls: 'turn:turn.example.net', username: name, credential: 'c' }] }))).toBe('nothing');
    expect(thrown(() => make({ iceServers: [{ urls: 'turns:turn.example.net', username: name + 'a', credential: 'c' }] }))).toBe('InvalidAccessError');
  });

  it('null certificates is TypeError', () => {
    expect(thrown(() => make({ certificates: null as unknown as [] }))).toBe('TypeError');
  });
});
