// W3C WebRTC §5.6 RTCIceTransport (WPT webrtc/RTCIceTransport.html). Before it connects, a
// transport from a local offer has no remote candidates and no selected pair. Once connected (over
// pc.sctp and over the transceivers' transport), it has a role, the rtp component, a connected or
// completed state, local and remote candidates, a selected pair of RTCIceCandidates among them
// (with a selectedcandidatepairchange), and both sides' ICE parameters, the ones in the SDP.
import { afterEach, describe, expect, it } from 'vitest';
import { MediaStreamTrack, RTCIceCandidate, type RTCIceTransport, type RTCPeerConnection } from '../../src/index.js';
import { closedAfterEach, connected, loopbackPair, negotiate, next } from '../helpers.js';

const pc = closedAfterEach();
const open: RTCPeerConnection[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

function expectUnconnected(t: RTCIceTransport): void {
  expect(t.getRemoteCandidates()).toEqual([]);
  expect(t.getSelectedCandidatePair()).toBeNull();
}

function ufrag(sdp: string): string {
  return /^a=ice-ufrag:(\S+)\r$/m.exec(sdp)![1]!;
}

function expectConnected(p: RTCPeerConnection, t: RTCIceTransport): void {
  expect(['controlling', 'controlled']).toContain(t.role);
  expect(t.component).toBe('rtp');
  expect(['connected', 'completed']).toContain(t.state);
  expect(['gathering', 'complete']).toContain(t.gatheringState);
  const local = t.getLocalCandidates();
  const remote = t.getRemoteCandidates();
  expect(local.length).toBeGreaterThan(0);
  expect(remote.length).toBeGreaterThan(0);
  for (const c of [...local, ...remote]) expect(c).toBeInstanceOf(RTCIceCandidate);
  const pair = t.getSelectedCandidatePair()!;
  expect(pair).not.toBeNull();
  expect(pair.local).toBeInstanceOf(RTCIceCandidate);
  expect(pair.remote).toBeInstanceOf(RTCIceCandidate);
  expect(local.map((c) => c.candidate)).toContain(pair.local.candidate);
  expect(remote.map((c) => c.candidate)).toContain(pair.remote.candidate);
  const lp = t.getLocalParameters()!;
  const rp = t.getRemoteParameters()!;
  expect(typeof lp.password).toBe('string');
  expect(typeof rp.password).toBe('string');
  expect(lp.usernameFragment).toBe(ufrag(p.localDescription!.sdp));
  expect(rp.usernameFragment).toBe(ufrag(p.remoteDescription!.sdp));
}

describe('RTCIceTransport before it connects', () => {
  it('over the transceivers: no remote candidates, no selected pair after the local offer', async () => {
    const a = pc();
    const t = a.addTransceiver(new MediaStreamTrack('audio'));
    await a.setLocalDescription();
    const ice = t.sender.transport!.iceTransport;
    expect(ice).toBe(t.receiver.transport!.iceTransport);
    expectUnconnected(ice);
  });

  it('over pc.sctp: no remote candidates, no selected pair once the answer is applied', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await a.setRemoteDescription(await b.createAnswer());
    expectUnconnected(a.sctp!.transport.iceTransport);
  });
});

describe('RTCIceTransport once connected', () => {
  it('over pc.sctp, on both sides: role, component, state, candidates, selected pair, parameters', async () => {
    const { a, b } = loopbackPair();
    open.push(a, b);
    const ch = a.createDataChannel('');
    await negotiate(a, b);
    await Promise.all([connected(a), connected(b), next(ch, 'open')]);
    expectConnected(a, a.sctp!.transport.iceTransport);
    expectConnected(b, b.sctp!.transport.iceTransport);
    expect(a.sctp!.transport.iceTransport.role).toBe('controlling');
    expect(b.sctp!.transport.iceTransport.role).toBe('controlled');
  });

  it('over the transceivers, with a selectedcandidatepairchange before the pair is read', async () => {
    const { a, b } = loopbackPair();
    open.push(a, b);
    const t = a.addTransceiver(new MediaStreamTrack('audio'));
    await a.setLocalDescription();
    const ice = t.sender.transport!.iceTransport;
    const changed = next(ice, 'selectedcandidatepairchange');
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await changed;
    expect(ice.getSelectedCandidatePair()).not.toBeNull();
    await Promise.all([connected(a), connected(b)]);
    expectConnected(a, ice);
    expectConnected(b, b.getTransceivers()[0]!.receiver.transport!.iceTransport);
  });
});
