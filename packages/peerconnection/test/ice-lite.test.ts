/**
 * ICE-lite (RFC 8445 §2.5) as a server option (`PeerConnectionFactory({ ice: { lite: true } })`):
 * descriptions say `a=ice-lite`; the full peer is controlling whichever side offers (§6.1.1) and
 * nominates; the lite side only answers checks and sends none of its own (no consent checks:
 * the peer's keep the pair alive, and their absence makes it disconnected); ICE servers are not
 * used. Two of our connections on 127.0.0.1.
 */
import { describe, expect, it } from 'vitest';
import { PeerConnectionFactory, type RTCDataChannel, type RTCPeerConnection, type RTCStats } from '../src/index.js';
import { closedAfterEach, eventually, next } from './helpers.js';

const onLoopback = { includeLoopback: true, ipv6: false, ipFilter: (a: string) => a === '127.0.0.1' } as const;
const liteServer = closedAfterEach(new PeerConnectionFactory({ ice: { ...onLoopback, lite: true, disconnectedTimeout: 600, failedTimeout: 10_000 } }));
const client = closedAfterEach(new PeerConnectionFactory({ ice: { ...onLoopback, consentInterval: [1500, 1600] } }));

function trickle(a: RTCPeerConnection, b: RTCPeerConnection): void {
  a.onicecandidate = (e) => void b.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  b.onicecandidate = (e) => void a.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
}

async function echoChannel(offerer: RTCPeerConnection, answerer: RTCPeerConnection): Promise<RTCDataChannel> {
  trickle(offerer, answerer);
  const dataChannel = next<Event & { channel: RTCDataChannel }>(answerer, 'datachannel').then(({ channel }) => {
    channel.onmessage = (e) => channel.send(`echo ${String(e.data)}`);
  });
  const channel = offerer.createDataChannel('lite');
  await offerer.setLocalDescription();
  await answerer.setRemoteDescription(offerer.localDescription!);
  await answerer.setLocalDescription();
  await offerer.setRemoteDescription(answerer.localDescription!);
  if (channel.readyState !== 'open') await next(channel, 'open');
  await dataChannel;
  const reply = next<MessageEvent>(channel, 'message');
  channel.send('ping');
  expect((await reply).data).toBe('echo ping');
  return channel;
}

async function selectedPair(p: RTCPeerConnection): Promise<RTCStats> {
  const report = await p.getStats();
  const transport = [...report.values()].find((s) => s.type === 'transport')!;
  return report.get(transport['selectedCandidatePairId'] as string)!;
}

describe('ICE-lite server', () => {
  it('answers with a=ice-lite, is controlled, and sends no checks: the full client\'s consent checks keep the pair', async () => {
    const c = client();
    const s = liteServer();
    await echoChannel(c, s);
    expect(s.localDescription!.sdp).toMatch(/^a=ice-lite\r?$/m);
    expect(c.localDescription!.sdp).not.toMatch(/a=ice-lite/);
    expect(s.sctp!.transport.iceTransport.role).toBe('controlled');
    expect(c.sctp!.transport.iceTransport.role).toBe('controlling');
    // Consent checks of the client every ~1.5 s, answered by the server, which sends none.
    const pair = await eventually(async () => {
      const p = await selectedPair(s);
      return (p['requestsReceived'] as number) >= 3 ? p : undefined;
    }, 200);
    expect(pair['requestsSent']).toBe(0);
    expect(pair['nominated']).toBe(true);
    expect((await selectedPair(c))['responsesReceived']).toBeGreaterThanOrEqual(3);
    expect(s.iceConnectionState === 'connected' || s.iceConnectionState === 'completed').toBe(true);
  }, 20_000);

  it('goes disconnected when the client\'s checks stop coming for disconnectedTimeout, and back when one comes', async () => {
    const c = client();
    const s = liteServer();
    await echoChannel(c, s);
    const states: string[] = [];
    s.addEventListener('iceconnectionstatechange', () => states.push(s.iceConnectionState));
    // The client checks every 1.5–1.6 s; the server judges silence after 600 ms.
    await eventually(() => (states.includes('disconnected') && /connected|completed/.test(s.iceConnectionState) && states.length >= 2 ? true : undefined), 100);
    expect(states[0]).toBe('disconnected');
  }, 20_000);

  it('as the offerer: the full answerer takes the controlling role (RFC 8445 §6.1.1), and data flows', async () => {
    const s = liteServer();
    const c = client();
    await echoChannel(s, c);
    expect(s.localDescription!.sdp).toMatch(/^a=ice-lite\r?$/m);
    expect(c.sctp!.transport.iceTransport.role).toBe('controlling');
    expect(s.sctp!.transport.iceTransport.role).toBe('controlled');
  }, 20_000);

  it('uses no ICE server: host candidates only, no candidate error', async () => {
    const s = liteServer({ iceServers: [{ urls: 'stun:127.0.0.1:9' }, { urls: 'turn:127.0.0.1:9', username: 'u', credential: 'p' }] });
    const errors: Event[] = [];
    s.addEventListener('icecandidateerror', (e) => errors.push(e));
    const types: string[] = [];
    s.onicecandidate = (e) => e.candidate && types.push(e.candidate.type ?? '');
    s.addTransceiver('audio');
    await s.setLocalDescription();
    while (s.iceGatheringState !== 'complete') await next(s, 'icegatheringstatechange');
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['host']));
    expect(errors).toEqual([]);
  });
});
