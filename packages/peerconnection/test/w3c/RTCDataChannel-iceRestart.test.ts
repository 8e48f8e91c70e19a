// A data channel across an ICE restart (WPT webrtc/RTCDataChannel-iceRestart.html): messages go
// both ways at every step (restart offer applied locally, at the peer, its answer, applied back).
// Until the new generation selects a pair the old one carries the data and its consent (RFC 8445
// §9, RFC 7675): the peer that has not seen the restart offer yet keeps checking consent with the
// old credentials, and must be answered. The consent timings here are short (checks every
// 100–150 ms, disconnected after 400 ms), and each step waits well past them, so a restarting
// side that dropped those checks would make the peer go disconnected.
import { describe, expect, it } from 'vitest';
import { PeerConnectionFactory, type RTCDataChannel, type RTCPeerConnection } from '../../src/index.js';
import { closedAfterEach, negotiate, next } from '../helpers.js';

const quickConsent = new PeerConnectionFactory({
  ice: { includeLoopback: true, ipv6: false, ipFilter: (a: string) => a === '127.0.0.1', consentInterval: [100, 150], disconnectedTimeout: 400, failedTimeout: 1500 },
});
const pc = closedAfterEach(quickConsent);

async function pingPong(from: RTCDataChannel, to: RTCDataChannel): Promise<void> {
  const request = next<MessageEvent>(to, 'message');
  from.send('hello');
  expect((await request).data).toBe('hello');
  const response = next<MessageEvent>(from, 'message');
  to.send('x'.repeat(1000));
  expect((await response).data).toBe('x'.repeat(1000));
}

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a data channel across an ICE restart', () => {
  it('carries messages both ways at each step, and neither side leaves connected', async () => {
    const a = pc();
    const b = pc();
    a.onicecandidate = (e) => void b.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
    b.onicecandidate = (e) => void a.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
    const ca = a.createDataChannel('restart');
    const cbP = next<Event & { channel: RTCDataChannel }>(b, 'datachannel');
    await negotiate(a, b);
    const cb = (await cbP).channel;
    if (cb.readyState !== 'open') await next(cb, 'open');
    if (ca.readyState !== 'open') await next(ca, 'open');
    const states: string[] = [];
    for (const p of [a, b] as RTCPeerConnection[]) p.addEventListener('iceconnectionstatechange', () => states.push(p.iceConnectionState));
    await pingPong(ca, cb);
    a.restartIce();
    await a.setLocalDescription();
    // b has not seen the offer: it keeps checking consent on the old pair with the old credentials.
    await settle(1000);
    await pingPong(ca, cb);
    await b.setRemoteDescription(a.localDescription!);
    await settle(300);
    await pingPong(ca, cb);
    await b.setLocalDescription();
    await pingPong(ca, cb);
    await a.setRemoteDescription(b.localDescription!);
    await pingPong(ca, cb);
    await settle(600);
    await pingPong(cb, ca);
    expect(states.filter((s) => s === 'disconnected' || s === 'failed')).toEqual([]);
    expect([a.iceConnectionState, b.iceConnectionState].every((s) => s === 'connected' || s === 'completed')).toBe(true);
  });
});
