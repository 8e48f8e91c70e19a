// W3C WebRTC §4.4.1.2 the operations chain and §4.4.1.5 "set the description" (WPT
// webrtc/RTCPeerConnection-operations.https.html). Operations run one at a time in call order; an
// operation that starts on an empty chain checks its preconditions at once; a description is
// applied, its attributes set and signalingstatechange fired in a task queued after the call,
// and the promise is resolved in that same task.
import { describe, expect, it } from 'vitest';
import { MediaStreamTrack, type RTCPeerConnection } from '../../src/index.js';
import { closedAfterEach, rejection } from '../helpers.js';

const pc = closedAfterEach();

/** Records, in order, the signaling state changes, the promise's resolution and the task queued after the call. */
function timeline(a: RTCPeerConnection, p: Promise<unknown>): { order: string[]; done: Promise<unknown> } {
  const order: string[] = [];
  a.onsignalingstatechange = () => order.push(`event ${a.signalingState}`);
  setImmediate(() => order.push(`next task: ${a.signalingState}`));
  const done = p.then(() => order.push(`resolved ${a.signalingState}`));
  return { order, done };
}

describe('description attributes change in the task that resolves the promise', () => {
  it('setLocalDescription(offer): nothing changes during the call; event, then resolution, before the next task', async () => {
    const a = pc();
    a.addTransceiver('audio');
    const offer = await a.createOffer();
    const p = a.setLocalDescription(offer);
    expect(a.signalingState).toBe('stable');
    expect(a.localDescription).toBeNull();
    expect(a.pendingLocalDescription).toBeNull();
    const { order, done } = timeline(a, p);
    await done;
    expect(order.slice(0, 2)).toEqual(['event have-local-offer', 'resolved have-local-offer']);
    expect(a.pendingLocalDescription?.sdp).toBe(offer.sdp);
  });

  it('setRemoteDescription(offer): nothing changes during the call', async () => {
    const a = pc();
    const b = pc();
    b.addTransceiver('video');
    const offer = await b.createOffer();
    const p = a.setRemoteDescription(offer);
    expect(a.signalingState).toBe('stable');
    expect(a.remoteDescription).toBeNull();
    expect(a.getTransceivers()).toHaveLength(0);
    const { order, done } = timeline(a, p);
    await done;
    expect(order.slice(0, 2)).toEqual(['event have-remote-offer', 'resolved have-remote-offer']);
    expect(a.getTransceivers()).toHaveLength(1);
  });

  it('setLocalDescription(answer): the current descriptions change together with the state', async () => {
    const a = pc();
    const b = pc();
    b.addTransceiver('audio');
    await a.setRemoteDescription(await b.createOffer());
    const answer = await a.createAnswer();
    const p = a.setLocalDescription(answer);
    expect(a.signalingState).toBe('have-remote-offer');
    expect(a.currentLocalDescription).toBeNull();
    expect(a.pendingRemoteDescription).not.toBeNull();
    const seen: Array<[string, boolean, boolean]> = [];
    a.onsignalingstatechange = () => seen.push([a.signalingState, a.currentLocalDescription !== null, a.pendingRemoteDescription === null]);
    await p;
    expect(seen).toEqual([['stable', true, true]]);
  });

  it('the track event of a remote offer comes after the state change and before the resolution', async () => {
    const a = pc();
    const b = pc();
    b.addTransceiver('audio');
    const order: string[] = [];
    a.onsignalingstatechange = () => order.push('signalingstatechange');
    a.ontrack = () => order.push('track');
    await a.setRemoteDescription(await b.createOffer()).then(() => order.push('resolved'));
    expect(order).toEqual(['signalingstatechange', 'track', 'resolved']);
  });
});

describe('operations chain', () => {
  it('runs operations in call order, each after the previous settled, a rejection not stopping the next', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('x');
    const order: string[] = [];
    const offer = a.createOffer().then((o) => (order.push('createOffer'), o));
    const bad = a.setRemoteDescription({ type: 'answer', sdp: 'x' }).catch((e: DOMException) => order.push(`srd ${e.name}`));
    const sld = a.setLocalDescription().then(() => order.push(`sld ${a.signalingState}`));
    await Promise.all([offer, bad, sld]);
    expect(order).toEqual(['createOffer', 'srd InvalidStateError', 'sld have-local-offer']);
    // The implicit offer of the last call is the one createOffer gave: nothing changed between.
    expect(a.localDescription?.sdp).toBe((await offer).sdp);
    await b.setRemoteDescription(a.localDescription!);
  });

  it('createOffer checks the signaling state when it starts on an empty chain, not when it settles', async () => {
    const a = pc();
    const b = pc();
    b.addTransceiver('audio');
    await a.setRemoteDescription(await b.createOffer());
    const offer = a.createOffer();
    const rollback = a.setRemoteDescription({ type: 'rollback' });
    expect(await rejection(offer)).toBe('InvalidStateError');
    await rollback;
    expect(a.signalingState).toBe('stable');
  });

  it('createAnswer checks the signaling state when it starts on an empty chain', async () => {
    const a = pc();
    const b = pc();
    b.addTransceiver('audio');
    const offer = await b.createOffer();
    const answer = rejection(a.createAnswer());
    const srd = a.setRemoteDescription(offer);
    expect(await answer).toBe('InvalidStateError');
    await srd;
  });

  it('setLocalDescription(rollback) checks the state when it starts on an empty chain', async () => {
    const a = pc();
    const b = pc();
    b.addTransceiver('audio');
    const offer = await b.createOffer();
    const rollback = a.setLocalDescription({ type: 'rollback' });
    const srd = a.setRemoteDescription(offer);
    expect(await rejection(rollback)).toBe('InvalidStateError');
    await srd;
    expect(a.signalingState).toBe('have-remote-offer');
  });

  it('createOffer includes what was added after the call, before the offer was made', async () => {
    const a = pc();
    const p = a.createOffer();
    a.addTransceiver('video');
    a.createDataChannel('late');
    const sdp = (await p).sdp!;
    expect(sdp).toMatch(/^m=video /m);
    expect(sdp).toMatch(/^m=application /m);
  });

  it('negotiationneeded waits for the chain to empty', async () => {
    const a = pc();
    const order: string[] = [];
    a.onnegotiationneeded = () => order.push('negotiationneeded');
    const p = a.createOffer().then(() => order.push('createOffer'));
    a.addTransceiver('audio');
    await p;
    await new Promise<void>((resolve) => a.addEventListener('negotiationneeded', () => resolve(), { once: true }));
    expect(order).toEqual(['createOffer', 'negotiationneeded']);
  });

  it('after close, new operations reject with InvalidStateError', async () => {
    const a = pc();
    a.close();
    expect(await rejection(a.createOffer())).toBe('InvalidStateError');
    expect(await rejection(a.createAnswer())).toBe('InvalidStateError');
    expect(await rejection(a.setLocalDescription())).toBe('InvalidStateError');
    expect(await rejection(a.setRemoteDescription({ type: 'rollback' }))).toBe('InvalidStateError');
    expect(await rejection(a.addIceCandidate({ candidate: '', sdpMid: '0' }))).toBe('InvalidStateError');
  });
});

/** 'pending' unless the promise settled within a few microtask turns (no task in between). */
async function stateAfterMicrotasks(p: Promise<unknown>): Promise<'pending' | 'fulfilled' | 'rejected'> {
  let state: 'pending' | 'fulfilled' | 'rejected' = 'pending';
  p.then(() => (state = 'fulfilled'), () => (state = 'rejected'));
  for (let i = 0; i < 20; i++) await Promise.resolve();
  return state;
}

/** Whether an operation started now would start at once: createAnswer in stable rejects then. */
async function chainEmpty(a: RTCPeerConnection): Promise<boolean> {
  const probe = a.signalingState === 'have-remote-offer' ? a.createOffer() : a.createAnswer();
  probe.catch(() => {});
  return (await stateAfterMicrotasks(probe)) === 'rejected';
}

describe('what runs on the chain, and what settles in a later task', () => {
  it('addIceCandidate is an operation: the chain is busy until a task after it, when the candidate is in remoteDescription', async () => {
    const b = pc();
    b.addTransceiver('audio');
    const a = pc();
    await a.setRemoteDescription(await b.createOffer());
    const p = a.addIceCandidate({ candidate: 'candidate:1 1 udp 2113929471 127.0.0.1 5000 typ host', sdpMid: '0' });
    expect(await chainEmpty(a)).toBe(false);
    expect(a.remoteDescription!.sdp).not.toContain('127.0.0.1 5000');
    await p;
    expect(a.remoteDescription!.sdp).toContain('a=candidate:1 1 udp 2113929471 127.0.0.1 5000 typ host');
  });

  it('replaceTrack is an operation: the track changes in a task after it runs, not during the call', async () => {
    const a = pc();
    const { sender } = a.addTransceiver('audio');
    const track = new MediaStreamTrack('audio');
    const p = sender.replaceTrack(track);
    expect(sender.track).toBeNull();
    expect(await chainEmpty(a)).toBe(false);
    await p;
    expect(sender.track).toBe(track);
  });

  it('replaceTrack rejects at once (no operation) on a stopped transceiver or a closed connection', async () => {
    const a = pc();
    const t = a.addTransceiver('audio');
    t.stop();
    expect(await stateAfterMicrotasks(t.sender.replaceTrack(null))).toBe('rejected');
    expect(await rejection(t.sender.replaceTrack(null))).toBe('InvalidStateError');
    const b = pc();
    const { sender } = b.addTransceiver('audio');
    b.close();
    expect(await rejection(sender.replaceTrack(null))).toBe('InvalidStateError');
  });

  it('a removeTrack after replaceTrack is overtaken by it: the replacement is the track in the end', async () => {
    const a = pc();
    const sender = a.addTrack(new MediaStreamTrack('audio'));
    const next = new MediaStreamTrack('audio');
    const p = sender.replaceTrack(next);
    a.removeTrack(sender);
    expect(sender.track).toBeNull();
    await p;
    expect(sender.track).toBe(next);
  });

  it('getStats (connection, sender, receiver) and setParameters are not operations, and settle in a later task', async () => {
    const a = pc();
    const { sender, receiver } = a.addTransceiver('audio');
    for (const p of [a.getStats(), sender.getStats(), receiver.getStats(), sender.setParameters(sender.getParameters())]) {
      expect(await chainEmpty(a)).toBe(true);
      expect(await stateAfterMicrotasks(p)).toBe('pending');
      await p;
    }
  });
});
