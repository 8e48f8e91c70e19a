import { describe, expect, it } from 'vitest';
import { RTCError, RTCSessionDescription } from '../src/index.js';
import { closedAfterEach, negotiate, next, record, rejection, tasks } from './helpers.js';

const pc = closedAfterEach();

describe('signaling state machine', () => {
  it('goes stable → have-local-offer → stable as offerer and fires signalingstatechange each time', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('x');
    const seenA: string[] = [];
    a.onsignalingstatechange = () => seenA.push(a.signalingState);
    const seenB: string[] = [];
    b.addEventListener('signalingstatechange', () => seenB.push(b.signalingState));
    await negotiate(a, b);
    expect(seenA).toEqual(['have-local-offer', 'stable']);
    expect(seenB).toEqual(['have-remote-offer', 'stable']);
    expect(a.currentLocalDescription?.type).toBe('offer');
    expect(a.currentRemoteDescription?.type).toBe('answer');
    expect(a.pendingLocalDescription).toBeNull();
    expect(b.currentRemoteDescription?.type).toBe('offer');
    expect(b.currentLocalDescription?.type).toBe('answer');
  });

  it('keeps pending and current descriptions apart during a negotiation', async () => {
    const a = pc();
    a.createDataChannel('x');
    expect(a.sctp).toBeNull();
    await a.setLocalDescription();
    // pc.sctp comes with the answer (W3C §4.4.1.6), not with the offer.
    expect(a.sctp).toBeNull();
    expect(a.pendingLocalDescription?.type).toBe('offer');
    expect(a.currentLocalDescription).toBeNull();
    expect(a.localDescription).toBe(a.pendingLocalDescription);
  });

  it('rejects descriptions the state does not allow with InvalidStateError', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('x');
    const offer = await a.createOffer();
    expect(await rejection(a.setRemoteDescription({ type: 'answer', sdp: offer.sdp! }))).toBe('InvalidStateError');
    expect(await rejection(a.createAnswer())).toBe('InvalidStateError');
    expect(await rejection(a.setLocalDescription({ type: 'rollback' }))).toBe('InvalidStateError');
    await a.setLocalDescription(offer);
    expect(await rejection(a.setLocalDescription({ type: 'answer' }))).toBe('InvalidStateError');
    await b.setRemoteDescription(offer);
    expect(await rejection(b.createOffer())).toBe('InvalidStateError');
    expect(await rejection(b.setRemoteDescription({ type: 'answer', sdp: offer.sdp! }))).toBe('InvalidStateError');
    expect(a.signalingState).toBe('have-local-offer');
    expect(b.signalingState).toBe('have-remote-offer');
  });

  it('rejects a bad type with TypeError before touching state', async () => {
    const a = pc();
    expect(await rejection(a.setRemoteDescription({ type: 'bogus' as 'offer', sdp: '' }))).toBe('TypeError');
    expect(await rejection(a.setLocalDescription({ type: 'nope' as 'offer' }))).toBe('TypeError');
    expect(() => new RTCSessionDescription({ type: 'x' as 'offer' })).toThrow(TypeError);
  });

  it('refuses a modified local SDP with InvalidModificationError', async () => {
    const a = pc();
    a.createDataChannel('x');
    const offer = await a.createOffer();
    const sdp = offer.sdp!.replace('a=max-message-size:262144', 'a=max-message-size:1000');
    expect(await rejection(a.setLocalDescription({ type: 'offer', sdp }))).toBe('InvalidModificationError');
    expect(a.signalingState).toBe('stable');
  });

  it('gives RTCError sdp-syntax-error with the line number for unparsable remote SDP', async () => {
    const a = pc();
    const err = await a.setRemoteDescription({ type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nthis is not sdp\r\n' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RTCError);
    expect((err as RTCError).name).toBe('OperationError');
    expect((err as RTCError).errorDetail).toBe('sdp-syntax-error');
    expect((err as RTCError).sdpLineNumber).toBeGreaterThan(0);
    expect(a.signalingState).toBe('stable');
  });

  it('gives InvalidAccessError for a remote offer without fingerprint or ICE credentials', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('x');
    const offer = await a.createOffer();
    const noFp = offer.sdp!.replace(/a=fingerprint:[^\r\n]*\r\n/, '');
    expect(await rejection(b.setRemoteDescription({ type: 'offer', sdp: noFp }))).toBe('InvalidAccessError');
    const noUfrag = offer.sdp!.replace(/a=ice-ufrag:[^\r\n]*\r\n/, '');
    expect(await rejection(b.setRemoteDescription({ type: 'offer', sdp: noUfrag }))).toBe('InvalidAccessError');
    expect(b.signalingState).toBe('stable');
    await b.setRemoteDescription(offer);
    expect(b.signalingState).toBe('have-remote-offer');
  });

  it('rejects an answer whose sections do not match the offer', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('x');
    a.addTransceiver('audio');
    await a.setLocalDescription();
    const c = pc();
    c.createDataChannel('y');
    await c.setLocalDescription();
    await b.setRemoteDescription(c.localDescription!);
    await b.setLocalDescription();
    // b answered c's one-section offer; a offered two sections.
    expect(await rejection(a.setRemoteDescription(b.localDescription!))).toBe('InvalidAccessError');
    expect(a.signalingState).toBe('have-local-offer');
  });

  it('rolls back a local offer and a remote offer', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('audio');
    await a.setLocalDescription();
    expect(a.getTransceivers()[0]!.mid).toBe('0');
    await a.setLocalDescription({ type: 'rollback' });
    expect(a.signalingState).toBe('stable');
    expect(a.pendingLocalDescription).toBeNull();
    expect(a.getTransceivers()[0]!.mid).toBeNull();
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    expect(b.getTransceivers()).toHaveLength(1);
    await b.setRemoteDescription({ type: 'rollback' });
    expect(b.signalingState).toBe('stable');
    expect(b.remoteDescription).toBeNull();
    // The transceiver the remote offer made is gone with it.
    expect(b.getTransceivers()).toHaveLength(0);
  });

  it('rolls back implicitly when a remote offer arrives in have-local-offer (perfect negotiation)', async () => {
    const polite = pc();
    const impolite = pc();
    polite.addTransceiver('audio');
    impolite.createDataChannel('i');
    await polite.setLocalDescription();
    await impolite.setLocalDescription();
    const states = record(polite, ['signalingstatechange']);
    const seen: string[] = [];
    polite.onsignalingstatechange = () => seen.push(polite.signalingState);
    // Glare: the polite peer takes the impolite one's offer.
    await polite.setRemoteDescription(impolite.localDescription!);
    expect(seen).toEqual(['stable', 'have-remote-offer']);
    expect(states).toHaveLength(2);
    // Listening before the answer: negotiationneeded is queued as soon as the polite peer is stable.
    const needed = next(polite, 'negotiationneeded');
    await polite.setLocalDescription();
    await impolite.setRemoteDescription(polite.localDescription!);
    expect(polite.signalingState).toBe('stable');
    expect(impolite.signalingState).toBe('stable');
    // The polite peer's own audio transceiver still needs negotiating: negotiationneeded fires again.
    expect(polite.getTransceivers()[0]!.mid).toBeNull();
    await needed;
  });

  it('setLocalDescription() without arguments makes the offer or the answer', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('x');
    await a.setLocalDescription();
    expect(a.localDescription?.type).toBe('offer');
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    expect(b.localDescription?.type).toBe('answer');
    expect(b.signalingState).toBe('stable');
  });

  it('setLocalDescription() uses the last created offer while it is still valid', async () => {
    const a = pc();
    a.createDataChannel('x');
    const offer = await a.createOffer();
    await a.setLocalDescription();
    expect(a.localDescription!.sdp).toBe(offer.sdp);
    await a.setLocalDescription({ type: 'rollback' });
    const stale = await a.createOffer();
    a.addTransceiver('audio');
    await a.setLocalDescription();
    expect(a.localDescription!.sdp).not.toBe(stale.sdp);
    expect(a.localDescription!.sdp).toContain('m=audio');
  });

  it('supports pranswer both ways', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('x');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    const answer = await b.createAnswer();
    await b.setLocalDescription({ type: 'pranswer', sdp: answer.sdp! });
    expect(b.signalingState).toBe('have-local-pranswer');
    await a.setRemoteDescription({ type: 'pranswer', sdp: answer.sdp! });
    expect(a.signalingState).toBe('have-remote-pranswer');
    await b.setLocalDescription({ type: 'answer', sdp: answer.sdp! });
    await a.setRemoteDescription({ type: 'answer', sdp: answer.sdp! });
    expect(a.signalingState).toBe('stable');
    expect(b.signalingState).toBe('stable');
  });
});

describe('operations chain', () => {
  it('runs operations one at a time, in call order', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('x');
    const order: string[] = [];
    const p1 = a.setLocalDescription().then(() => order.push('sld'));
    const p2 = a.createOffer().then(() => order.push('offer'));
    // Chained after the local offer: valid only because the chain waits for it.
    const p3 = b.setRemoteDescription({ type: 'offer', sdp: (await a.createOffer()).sdp! }).then(() => order.push('srd'));
    await Promise.all([p1, p2, p3]);
    expect(order.slice(0, 2)).toEqual(['sld', 'offer']);
    // An addIceCandidate queued behind setRemoteDescription sees the remote description.
    const b2 = pc();
    const sdp = a.localDescription!.sdp;
    const srd = b2.setRemoteDescription({ type: 'offer', sdp });
    const add = b2.addIceCandidate({ candidate: '', sdpMid: '0' });
    await Promise.all([srd, add]);
  });

  it('rejects with InvalidStateError after close, and close fires no events', async () => {
    const a = pc();
    const events = record(a, ['signalingstatechange', 'connectionstatechange', 'iceconnectionstatechange', 'negotiationneeded']);
    a.createDataChannel('x');
    a.close();
    expect(a.signalingState).toBe('closed');
    expect(a.connectionState).toBe('closed');
    expect(a.iceConnectionState).toBe('closed');
    expect(await rejection(a.createOffer())).toBe('InvalidStateError');
    expect(await rejection(a.setLocalDescription())).toBe('InvalidStateError');
    expect(await rejection(a.addIceCandidate({ candidate: '', sdpMid: '0' }))).toBe('InvalidStateError');
    expect(() => a.createDataChannel('y')).toThrow(DOMException);
    a.close();
    await tasks();
    expect(events).toEqual([]);
  });
});

describe('negotiationneeded', () => {
  it('fires once, in a later task, for the first data channel only', async () => {
    const a = pc();
    let count = 0;
    a.onnegotiationneeded = () => count++;
    a.createDataChannel('a');
    expect(count).toBe(0);
    await tasks();
    expect(count).toBe(1);
    a.createDataChannel('b');
    await tasks();
    expect(count).toBe(1);
  });

  it('does not fire outside stable, and fires after negotiation for a change made during it', async () => {
    const a = pc();
    const b = pc();
    let count = 0;
    a.onnegotiationneeded = () => count++;
    a.createDataChannel('a');
    await tasks();
    expect(count).toBe(1);
    await a.setLocalDescription();
    a.addTransceiver('video');
    await tasks();
    expect(count).toBe(1);
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await tasks();
    expect(count).toBe(2);
    await negotiate(a, b);
    await tasks();
    expect(count).toBe(2);
  });

  it('is cleared when the negotiation covers the change', async () => {
    const a = pc();
    const b = pc();
    let count = 0;
    a.onnegotiationneeded = () => count++;
    a.addTransceiver('audio');
    await tasks();
    expect(count).toBe(1);
    await negotiate(a, b);
    await tasks();
    expect(count).toBe(1);
    a.getTransceivers()[0]!.direction = 'recvonly';
    await tasks();
    expect(count).toBe(2);
    await negotiate(a, b);
    await tasks();
    // b never had a track to send, so a recvonly offer is answered inactive (RFC 3264 §6.1).
    expect(a.getTransceivers()[0]!.currentDirection).toBe('inactive');
    expect(count).toBe(2);
  });

  it('fires for restartIce() once negotiated', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('x');
    await negotiate(a, b);
    await tasks();
    let count = 0;
    a.onnegotiationneeded = () => count++;
    a.restartIce();
    await tasks();
    expect(count).toBe(1);
  });
});
