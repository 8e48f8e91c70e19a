/**
 * The W3C "perfect negotiation" pattern (§10.7) between two of our peers on loopback: both make
 * changes at once, glare is resolved by the polite peer's implicit rollback, and both end up
 * connected with each other's data channels.
 */
import { describe, expect, it } from 'vitest';
import type { RTCDataChannel, RTCDataChannelEvent, RTCIceCandidateInit, RTCPeerConnection, RTCSessionDescriptionInit } from '../src/index.js';
import { loopback, next } from './helpers.js';

type Message = { description?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit | null };

function peer(pc: RTCPeerConnection, polite: boolean, send: (m: Message) => void): { receive: (m: Message) => Promise<void>; errors: unknown[] } {
  let makingOffer = false;
  let ignoreOffer = false;
  const errors: unknown[] = [];
  pc.onnegotiationneeded = async () => {
    try {
      makingOffer = true;
      await pc.setLocalDescription();
      send({ description: pc.localDescription!.toJSON() });
    } catch (e) {
      errors.push(e);
    } finally {
      makingOffer = false;
    }
  };
  pc.onicecandidate = (e) => send({ candidate: e.candidate === null ? null : e.candidate.toJSON() });
  const receive = async (m: Message): Promise<void> => {
    try {
      if (m.description !== undefined) {
        const collision = m.description.type === 'offer' && (makingOffer || pc.signalingState !== 'stable');
        ignoreOffer = !polite && collision;
        if (ignoreOffer) return;
        await pc.setRemoteDescription(m.description);
        if (m.description.type === 'offer') {
          await pc.setLocalDescription();
          send({ description: pc.localDescription!.toJSON() });
        }
      } else if (m.candidate !== undefined) {
        try {
          await pc.addIceCandidate(m.candidate ?? undefined);
        } catch (e) {
          if (!ignoreOffer) throw e;
        }
      }
    } catch (e) {
      errors.push(e);
    }
  };
  return { receive, errors };
}

describe('perfect negotiation', () => {
  it('resolves glare and connects both peers with both data channels', async () => {
    const a = loopback.createPeerConnection();
    const b = loopback.createPeerConnection();
    // Signalling with a delay, so offers cross.
    let pa: ReturnType<typeof peer>;
    let pb: ReturnType<typeof peer>;
    const chainA: Promise<void>[] = [];
    const chainB: Promise<void>[] = [];
    let toA = Promise.resolve();
    let toB = Promise.resolve();
    pa = peer(a, false, (m) => void chainB.push((toB = toB.then(() => new Promise((r) => setTimeout(r, 5))).then(() => pb.receive(m)))));
    pb = peer(b, true, (m) => void chainA.push((toA = toA.then(() => new Promise((r) => setTimeout(r, 5))).then(() => pa.receive(m)))));

    const bStates: string[] = [];
    b.addEventListener('signalingstatechange', () => bStates.push(b.signalingState));
    const fromA = a.createDataChannel('fromA');
    const fromB = b.createDataChannel('fromB');
    const atB = new Promise<RTCDataChannel>((resolve) => {
      b.ondatachannel = (e: RTCDataChannelEvent<RTCDataChannel>) => e.channel.label === 'fromA' && resolve(e.channel);
    });
    const atA = new Promise<RTCDataChannel>((resolve) => {
      a.ondatachannel = (e: RTCDataChannelEvent<RTCDataChannel>) => e.channel.label === 'fromB' && resolve(e.channel);
    });
    const [remoteA, remoteB] = await Promise.all([atB, atA]);
    if (fromA.readyState !== 'open') await next(fromA, 'open');
    if (fromB.readyState !== 'open') await next(fromB, 'open');
    const got1 = next<MessageEvent>(remoteA, 'message');
    fromA.send('a→b');
    const got2 = next<MessageEvent>(remoteB, 'message');
    fromB.send('b→a');
    expect((await got1).data).toBe('a→b');
    expect((await got2).data).toBe('b→a');
    expect(a.signalingState).toBe('stable');
    expect(b.signalingState).toBe('stable');
    // Different stream ids by DTLS role, no collision.
    expect(fromA.id! % 2).not.toBe(fromB.id! % 2);
    expect([...pa.errors, ...pb.errors]).toEqual([]);
    // Glare happened: the polite peer's offer was rolled back implicitly by the impolite one's.
    expect(bStates.slice(0, 4)).toEqual(['have-local-offer', 'stable', 'have-remote-offer', 'stable']);
    a.close();
    b.close();
    await Promise.allSettled([...chainA, ...chainB]);
  });
});
