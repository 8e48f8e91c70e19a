// W3C WebRTC §4.4.3.2 setLocalDescription with an answer (WPT
// webrtc/RTCPeerConnection-setLocalDescription-answer.html). The method's steps compare a non-empty
// SDP with [[LastCreatedAnswer]] (InvalidModificationError) before "set the description" looks at
// the signaling state (InvalidStateError). Older WPT revisions expected InvalidStateError for an
// answer in stable or have-local-offer; the current spec and Chromium give
// InvalidModificationError, and these tests follow the current spec.
import { describe, expect, it } from 'vitest';
import { closedAfterEach, rejection } from '../helpers.js';

const pc = closedAfterEach();

/** A remote offer with a video section, from another connection. */
async function remoteOffer() {
  const other = pc();
  other.addTransceiver('video');
  return other.createOffer();
}

describe('setLocalDescription(answer)', () => {
  it('applies the created answer: stable, current descriptions set, pending ones null, one event per state', async () => {
    const a = pc();
    const states: string[] = [];
    a.onsignalingstatechange = () => states.push(a.signalingState);
    const offer = await remoteOffer();
    await a.setRemoteDescription(offer);
    const answer = await a.createAnswer();
    await a.setLocalDescription(answer);
    expect(a.signalingState).toBe('stable');
    expect(a.localDescription?.toJSON()).toEqual(answer);
    expect(a.currentLocalDescription?.toJSON()).toEqual(answer);
    expect(a.remoteDescription?.sdp).toBe(offer.sdp);
    expect(a.currentRemoteDescription?.sdp).toBe(offer.sdp);
    expect(a.pendingLocalDescription).toBeNull();
    expect(a.pendingRemoteDescription).toBeNull();
    expect(states).toEqual(['have-remote-offer', 'stable']);
  });

  it('with type answer and no sdp uses the last created answer', async () => {
    const a = pc();
    await a.setRemoteDescription(await remoteOffer());
    const answer = await a.createAnswer();
    await a.setLocalDescription({ type: 'answer' });
    expect(a.signalingState).toBe('stable');
    expect(a.currentLocalDescription?.sdp).toBe(answer.sdp);
  });

  it('rejects an answer it did not create with InvalidModificationError', async () => {
    const a = pc();
    const offer = await remoteOffer();
    await a.setRemoteDescription(offer);
    const other = pc();
    await other.setRemoteDescription(offer);
    const foreign = await other.createAnswer();
    expect(await rejection(a.setLocalDescription(foreign))).toBe('InvalidModificationError');
    expect(a.signalingState).toBe('have-remote-offer');
  });

  it('in stable, an answer carrying an offer\'s SDP is InvalidModificationError (the SDP is checked first)', async () => {
    const a = pc();
    const offer = await a.createOffer();
    expect(await rejection(a.setLocalDescription({ type: 'answer', sdp: offer.sdp! }))).toBe('InvalidModificationError');
    expect(a.signalingState).toBe('stable');
  });

  it('in have-local-offer, a foreign answer is InvalidModificationError', async () => {
    const a = pc();
    a.addTransceiver('audio');
    const offer = await a.createOffer();
    await a.setLocalDescription(offer);
    const b = pc();
    await b.setRemoteDescription(offer);
    const answer = await b.createAnswer();
    expect(await rejection(a.setLocalDescription(answer))).toBe('InvalidModificationError');
    expect(a.signalingState).toBe('have-local-offer');
  });

  it('in stable, {type: answer} without sdp cannot create an answer: InvalidStateError', async () => {
    const a = pc();
    expect(await rejection(a.setLocalDescription({ type: 'answer' }))).toBe('InvalidStateError');
  });

  it('the last created answer applied again once stable is InvalidStateError (its type is invalid for the state)', async () => {
    const a = pc();
    await a.setRemoteDescription(await remoteOffer());
    const answer = await a.createAnswer();
    await a.setLocalDescription(answer);
    expect(await rejection(a.setLocalDescription(answer))).toBe('InvalidStateError');
  });

  it('on a closed connection is InvalidStateError', async () => {
    const a = pc();
    await a.setRemoteDescription(await remoteOffer());
    const answer = await a.createAnswer();
    a.close();
    expect(await rejection(a.setLocalDescription(answer))).toBe('InvalidStateError');
  });
});
