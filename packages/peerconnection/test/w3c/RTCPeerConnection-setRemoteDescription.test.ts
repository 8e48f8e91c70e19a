// W3C WebRTC §4.4.3.2 setRemoteDescription and §4.4.1.5 "set the description" (WPT
// webrtc/RTCPeerConnection-setRemoteDescription.html): the exceptions, in the order the steps
// check them, and the implicit rollback of a glaring offer.
import { describe, expect, it } from 'vitest';
import { RTCError, type RTCSessionDescriptionInit } from '../../src/index.js';
import { closedAfterEach, rejection } from '../helpers.js';

const pc = closedAfterEach();

async function offerFrom(kind: 'audio' | 'video' = 'audio'): Promise<RTCSessionDescriptionInit> {
  const other = pc();
  other.addTransceiver(kind);
  return other.createOffer();
}

describe('setRemoteDescription', () => {
  it('rejects a type outside RTCSdpType with TypeError, before the operations chain (WebIDL)', async () => {
    const a = pc();
    const p = a.setRemoteDescription({ type: 'bogus', sdp: '' } as unknown as RTCSessionDescriptionInit);
    expect(await rejection(p)).toBe('TypeError');
    a.close();
    // Even closed, the argument conversion comes first.
    expect(await rejection(a.setRemoteDescription({ type: 'bogus' } as unknown as RTCSessionDescriptionInit))).toBe('TypeError');
  });

  it('on a closed connection is InvalidStateError', async () => {
    const a = pc();
    const offer = await offerFrom();
    a.close();
    expect(await rejection(a.setRemoteDescription(offer))).toBe('InvalidStateError');
  });

  it('a type invalid for the signaling state is InvalidStateError, checked before the SDP syntax', async () => {
    const a = pc();
    expect(await rejection(a.setRemoteDescription({ type: 'answer', sdp: 'not sdp' }))).toBe('InvalidStateError');
    expect(await rejection(a.setRemoteDescription({ type: 'pranswer', sdp: 'not sdp' }))).toBe('InvalidStateError');
    expect(await rejection(a.setRemoteDescription({ type: 'rollback' }))).toBe('InvalidStateError');
    expect(a.signalingState).toBe('stable');
  });

  it('SDP that does not parse is an RTCError sdp-syntax-error', async () => {
    const a = pc();
    const e = await a.setRemoteDescription({ type: 'offer', sdp: 'v=0\r\nbogus\r\n' }).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(RTCError);
    expect((e as RTCError).errorDetail).toBe('sdp-syntax-error');
    expect(a.signalingState).toBe('stable');
  });

  it('valid SDP missing what WebRTC needs (ICE credentials, fingerprint) is InvalidAccessError', async () => {
    const a = pc();
    const offer = await offerFrom();
    const stripped = offer.sdp!.replace(/^a=(ice-ufrag|ice-pwd|fingerprint):.*\r\n/gm, '');
    expect(await rejection(a.setRemoteDescription({ type: 'offer', sdp: stripped }))).toBe('InvalidAccessError');
    expect(a.remoteDescription).toBeNull();
  });

  it('applies an offer: have-remote-offer, pending remote description set, current null', async () => {
    const a = pc();
    const offer = await offerFrom('video');
    const states: string[] = [];
    a.onsignalingstatechange = () => states.push(a.signalingState);
    await a.setRemoteDescription(offer);
    expect(a.signalingState).toBe('have-remote-offer');
    expect(a.remoteDescription?.sdp).toBe(offer.sdp);
    expect(a.pendingRemoteDescription?.sdp).toBe(offer.sdp);
    expect(a.currentRemoteDescription).toBeNull();
    expect(states).toEqual(['have-remote-offer']);
  });

  it('an offer in have-local-offer first rolls the local offer back (two state changes)', async () => {
    const a = pc();
    a.createDataChannel('mine');
    await a.setLocalDescription();
    const states: string[] = [];
    a.onsignalingstatechange = () => states.push(a.signalingState);
    const offer = await offerFrom();
    await a.setRemoteDescription(offer);
    expect(states).toEqual(['stable', 'have-remote-offer']);
    expect(a.pendingLocalDescription).toBeNull();
    expect(a.pendingRemoteDescription?.sdp).toBe(offer.sdp);
  });

  it('an answer in have-local-offer completes the negotiation', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('audio');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    const answer = b.localDescription!.toJSON();
    await a.setRemoteDescription(answer);
    expect(a.signalingState).toBe('stable');
    expect(a.currentRemoteDescription?.sdp).toBe(answer.sdp);
    expect(a.pendingRemoteDescription).toBeNull();
    expect(a.pendingLocalDescription).toBeNull();
    expect(a.currentLocalDescription).not.toBeNull();
  });
});

describe('setRemoteDescription (legacy callbacks)', () => {
  it('calls the success callback and resolves with undefined', async () => {
    const a = pc();
    const offer = await offerFrom();
    let result: unknown = 'unset';
    await new Promise<void>((resolve, reject) => {
      void a.setRemoteDescription(offer, resolve, reject).then((v) => (result = v));
    });
    expect(result).toBeUndefined();
    expect(a.signalingState).toBe('have-remote-offer');
  });

  it('calls the failure callback with InvalidStateError for an answer in stable', async () => {
    const a = pc();
    const offer = await offerFrom();
    const error = await new Promise<unknown>((resolve, reject) => void a.setRemoteDescription({ type: 'answer', sdp: offer.sdp! }, reject, resolve));
    expect((error as DOMException).name).toBe('InvalidStateError');
  });

  it('with a failure callback that is not callable rejects with TypeError', async () => {
    const a = pc();
    const offer = await offerFrom();
    const srd = a.setRemoteDescription.bind(a) as unknown as (...args: unknown[]) => Promise<unknown>;
    expect(await rejection(srd(offer, () => undefined))).toBe('TypeError');
    expect(a.signalingState).toBe('stable');
  });
});
