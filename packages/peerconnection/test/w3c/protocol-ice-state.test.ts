// W3C WebRTC §5.6.4 RTCIceTransportState (WPT webrtc/protocol/ice-state.https.html): when every
// candidate pair failed but the peer never signalled end-of-candidates, more candidates may still
// come, so the state is `disconnected`, not `failed`; end-of-candidates makes it `failed`. The
// failing candidate is a loopback port nothing listens on (no test sends off this machine).
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { type RTCPeerConnection } from '../../src/index.js';
import { closedAfterEach, loopback } from '../helpers.js';

const pc = closedAfterEach(loopback);

/** A loopback UDP port that was just free: checks sent there go unanswered. */
async function deadPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(resolve));
  return port;
}

function iceStates(p: RTCPeerConnection): string[] {
  const seen: string[] = [];
  p.addEventListener('iceconnectionstatechange', () => seen.push(p.iceConnectionState));
  return seen;
}

async function answeredWithDeadCandidate(): Promise<{ p: RTCPeerConnection; mid: string; ufrag: string; port: number }> {
  const offerer = pc();
  offerer.addTransceiver('audio');
  const p = pc();
  await p.setRemoteDescription(await offerer.createOffer());
  await p.setLocalDescription(await p.createAnswer());
  const mid = p.getTransceivers()[0]!.mid!;
  const ufrag = /a=ice-ufrag:(\S+)/.exec(p.remoteDescription!.sdp)![1]!;
  return { p, mid, ufrag, port: await deadPort() };
}

describe('ICE state when checks fail', () => {
  it('is disconnected, not failed, while the peer may still send candidates', async () => {
    const { p, mid, ufrag, port } = await answeredWithDeadCandidate();
    const states = iceStates(p);
    const disconnected = new Promise<void>((resolve) => p.addEventListener('iceconnectionstatechange', () => p.iceConnectionState === 'disconnected' && resolve()));
    await p.addIceCandidate({ candidate: `candidate:1 1 udp 2113929471 127.0.0.1 ${port} typ host`, sdpMid: mid, usernameFragment: ufrag });
    await disconnected;
    expect(states).toEqual(['checking', 'disconnected']);
  }, 30_000);

  it('is failed once the peer said end-of-candidates', async () => {
    const { p, mid, ufrag, port } = await answeredWithDeadCandidate();
    const states = iceStates(p);
    const failed = new Promise<void>((resolve) => p.addEventListener('iceconnectionstatechange', () => p.iceConnectionState === 'failed' && resolve()));
    await p.addIceCandidate({ candidate: `candidate:1 1 udp 2113929471 127.0.0.1 ${port} typ host`, sdpMid: mid, usernameFragment: ufrag });
    await p.addIceCandidate({ candidate: '', sdpMid: mid, usernameFragment: ufrag });
    await failed;
    expect(states).toEqual(['checking', 'failed']);
  }, 30_000);
});
