// W3C WebRTC §4.4.1.6 "set the description", rollback of a local offer (WPT
// webrtc/RTCPeerConnection-setRemoteDescription-rollback.html and
// RTCPeerConnection-explicit-rollback-iceGatheringState.html; RFC 8829 §4.1.8.2): transceivers
// get back the transport they had when last stable, so a first offer rolled back leaves none, and
// the ICE transport it made is discarded: iceGatheringState is `new` again (the event comes after
// the operation settled). A rolled-back ICE restart changes no gathering state. Each side rolls
// back only its own offer (the current WPT; 2021's allowed either).
import { describe, expect, it } from 'vitest';
import { MediaStreamTrack } from '../../src/index.js';
import { closedAfterEach, exchange, gathered, next, record, rejection, tasks } from '../helpers.js';

const pc = closedAfterEach();

describe('rollback of the other side\'s offer', () => {
  it('setLocalDescription(rollback) in have-remote-offer and setRemoteDescription(rollback) in have-local-offer are InvalidStateError', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('audio');
    await a.setLocalDescription();
    expect(await rejection(a.setRemoteDescription({ type: 'rollback' }))).toBe('InvalidStateError');
    expect(a.signalingState).toBe('have-local-offer');
    await b.setRemoteDescription(a.localDescription!);
    expect(await rejection(b.setLocalDescription({ type: 'rollback' }))).toBe('InvalidStateError');
    expect(b.signalingState).toBe('have-remote-offer');
  });
});

describe('setLocalDescription(rollback)', () => {
  it('of the first offer leaves the transceivers without a transport, and the same offer applies again', async () => {
    const p = pc();
    p.addTrack(new MediaStreamTrack('video'));
    const states = record(p, ['signalingstatechange']);
    const offer = await p.createOffer();
    await p.setLocalDescription(offer);
    expect(p.getTransceivers()[0]!.sender.transport).not.toBeNull();
    await p.setLocalDescription({ type: 'rollback' });
    expect(p.getTransceivers()[0]!.mid).toBeNull();
    expect(p.getTransceivers()[0]!.sender.transport).toBeNull();
    expect(p.getTransceivers()[0]!.receiver.transport).toBeNull();
    await p.setLocalDescription(offer);
    expect(p.getTransceivers()[0]!.sender.transport).not.toBeNull();
    expect(states).toHaveLength(3);
    await gathered(p);
  });

  it('of the first offer takes iceGatheringState from complete back to new, in a task after the operation', async () => {
    const p = pc();
    p.addTransceiver('audio', { direction: 'recvonly' });
    await p.setLocalDescription(await p.createOffer());
    await gathered(p);
    const changed = next(p, 'icegatheringstatechange');
    await p.setLocalDescription({ type: 'rollback' });
    expect(p.iceGatheringState).toBe('new');
    await changed;
    expect(p.iceGatheringState).toBe('new');
    // The discarded transport's candidates and states are not reported.
    const late = record(p, ['icegatheringstatechange', 'icecandidate', 'iceconnectionstatechange']);
    await tasks(10);
    expect(late).toEqual([]);
  });

  it('of a renegotiating offer keeps the negotiated transceiver\'s transport and clears the new one\'s', async () => {
    const a = pc();
    const b = pc();
    a.addTrack(new MediaStreamTrack('audio'));
    await exchange(a, b);
    const transport = b.getTransceivers()[0]!.sender.transport;
    expect(transport).not.toBeNull();
    b.addTrack(new MediaStreamTrack('video'));
    await b.setLocalDescription(await b.createOffer());
    expect(b.getTransceivers()[1]!.sender.transport).toBe(transport);
    await b.setLocalDescription({ type: 'rollback' });
    expect(b.getTransceivers()[0]!.sender.transport).toBe(transport);
    expect(b.getTransceivers()[1]!.sender.transport).toBeNull();
    // The transport stays usable: a's next offer applies.
    a.addTrack(new MediaStreamTrack('video'));
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription!);
    expect(b.signalingState).toBe('have-remote-offer');
  });

  it('of an ICE restart once gathering completed changes no gathering state', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('audio', { direction: 'recvonly' });
    await exchange(a, b);
    await gathered(a);
    // The restart's own gathering, event by event (the attribute is still `complete` at first).
    const restartGathering = next(a, 'icegatheringstatechange').then(() => next(a, 'icegatheringstatechange'));
    await a.setLocalDescription(await a.createOffer({ iceRestart: true }));
    await restartGathering;
    expect(a.iceGatheringState).toBe('complete');
    const changes = record(a, ['icegatheringstatechange']);
    await a.setLocalDescription({ type: 'rollback' });
    await tasks(10);
    expect(changes).toEqual([]);
    expect(a.iceGatheringState).toBe('complete');
  });
});
