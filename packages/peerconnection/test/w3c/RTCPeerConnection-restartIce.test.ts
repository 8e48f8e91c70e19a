// W3C WebRTC §4.4.3.2 restartIce() (WPT webrtc/RTCPeerConnection-restartIce.https.html): it asks
// for an ICE restart in the next offer, whatever its options, and updates the negotiation-needed
// flag; it changes nothing before the first negotiation, does not touch an offer already made,
// survives a rollback or a remote offer, and is satisfied once a restart was negotiated.
import { describe, expect, it } from 'vitest';
import type { RTCPeerConnection } from '../../src/index.js';
import { closedAfterEach, exchange, next, thrown } from '../helpers.js';

const pc = closedAfterEach();

const ufrag = (p: RTCPeerConnection): string => p.localDescription!.sdp.match(/^a=ice-ufrag:(\S+)/m)![1]!;

/** Two connections that negotiated one audio transceiver. */
async function negotiated(): Promise<[RTCPeerConnection, RTCPeerConnection]> {
  const a = pc();
  const b = pc();
  a.addTransceiver('audio');
  await exchange(a, b);
  return [a, b];
}

describe('restartIce()', () => {
  it('before the first negotiation fires nothing by itself and leaves nothing pending afterwards', async () => {
    const a = pc();
    const b = pc();
    const seen: string[] = [];
    a.onnegotiationneeded = () => seen.push('negotiationneeded');
    a.restartIce();
    a.addTransceiver('audio');
    await next(a, 'negotiationneeded');
    expect(seen).toEqual(['negotiationneeded']);
    await exchange(a, b);
    const first = ufrag(a);
    // A later offer without restartIce keeps the credentials: the early call left nothing behind.
    await exchange(a, b);
    expect(ufrag(a)).toBe(first);
  });

  it('after negotiation fires negotiationneeded, and the next negotiation gives fresh ufrags on both sides', async () => {
    const [a, b] = await negotiated();
    const [oldA, oldB] = [ufrag(a), ufrag(b)];
    await exchange(a, b);
    expect([ufrag(a), ufrag(b)]).toEqual([oldA, oldB]);
    const needed = next(a, 'negotiationneeded');
    a.restartIce();
    await needed;
    await exchange(a, b);
    expect(ufrag(a)).not.toBe(oldA);
    expect(ufrag(b)).not.toBe(oldB);
    // Satisfied: the next renegotiation keeps the new ones.
    const [newA, newB] = [ufrag(a), ufrag(b)];
    await exchange(a, b);
    expect([ufrag(a), ufrag(b)]).toEqual([newA, newB]);
  });

  it('wins over createOffer({iceRestart: false})', async () => {
    const [a, b] = await negotiated();
    const old = ufrag(a);
    a.restartIce();
    await a.setLocalDescription(await a.createOffer({ iceRestart: false }));
    expect(ufrag(a)).not.toBe(old);
    await b.setRemoteDescription(a.localDescription!);
  });

  it('in have-local-offer leaves the offer made, and asks again once stable', async () => {
    const [a, b] = await negotiated();
    const old = ufrag(a);
    await a.setLocalDescription(await a.createOffer());
    a.restartIce();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    const needed = next(a, 'negotiationneeded');
    await a.setRemoteDescription(b.localDescription!);
    expect(ufrag(a)).toBe(old);
    await needed;
    await exchange(a, b);
    expect(ufrag(a)).not.toBe(old);
  });

  it('survives a rollback of the offer that carried it', async () => {
    const [a, b] = await negotiated();
    const old = ufrag(a);
    a.restartIce();
    await a.setLocalDescription(await a.createOffer());
    const needed = next(a, 'negotiationneeded');
    await a.setLocalDescription({ type: 'rollback' });
    await needed;
    await exchange(a, b);
    expect(ufrag(a)).not.toBe(old);
  });

  it('is satisfied by a restart the peer negotiated', async () => {
    const [a, b] = await negotiated();
    const [oldA, oldB] = [ufrag(a), ufrag(b)];
    a.restartIce();
    b.restartIce();
    await exchange(b, a);
    const [newA, newB] = [ufrag(a), ufrag(b)];
    expect(newA).not.toBe(oldA);
    expect(newB).not.toBe(oldB);
    await exchange(a, b);
    expect([ufrag(a), ufrag(b)]).toEqual([newA, newB]);
  });

  it('does nothing on a closed connection (no exception)', () => {
    const a = pc();
    a.close();
    expect(thrown(() => a.restartIce())).toBe('nothing');
  });
});
