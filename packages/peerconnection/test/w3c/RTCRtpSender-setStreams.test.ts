// W3C WebRTC §5.2 RTCRtpSender.setStreams() (WPT webrtc/RTCRtpSender-setStreams.https.html):
// the streams a sender is associated with go into the next offer's msid lines, and the peer's
// track event reports those streams, with the track in each; InvalidStateError once closed. WPT
// also compares the remote track's id with the sender's: the current spec makes the receiver's
// track id the UA's own (msid no longer names it), so that is not asserted here.
import { describe, expect, it } from 'vitest';
import { MediaStream, MediaStreamTrack, type RTCPeerConnectionTrackEvent } from '../../src/index.js';
import { closedAfterEach, exchange, next, tasks, thrown } from '../helpers.js';

const pc = closedAfterEach();

describe('RTCRtpSender.setStreams()', () => {
  it('the peer\'s track event reports every stream set, each holding the track', async () => {
    const caller = pc();
    const callee = pc();
    const sender = caller.addTrack(new MediaStreamTrack('audio'));
    const s1 = new MediaStream();
    const s2 = new MediaStream();
    sender.setStreams(s1, s2);
    const track = next<RTCPeerConnectionTrackEvent>(callee, 'track');
    await callee.setRemoteDescription(await caller.createOffer());
    const e = await track;
    expect(e.streams.map((s) => s.id).sort()).toEqual([s1.id, s2.id].sort());
    for (const s of e.streams) expect(s.getTracks()).toContain(e.track);
  });

  it('replaces the streams addTrack gave', async () => {
    const caller = pc();
    const callee = pc();
    const t = new MediaStreamTrack('audio');
    const sender = caller.addTrack(t, new MediaStream([t]));
    const other = new MediaStream();
    sender.setStreams(other);
    const track = next<RTCPeerConnectionTrackEvent>(callee, 'track');
    await callee.setRemoteDescription(await caller.createOffer());
    expect((await track).streams.map((s) => s.id)).toEqual([other.id]);
  });

  it('with no argument leaves the track in no stream', async () => {
    const caller = pc();
    const callee = pc();
    const t = new MediaStreamTrack('video');
    caller.addTrack(t, new MediaStream([t])).setStreams();
    const track = next<RTCPeerConnectionTrackEvent>(callee, 'track');
    await callee.setRemoteDescription(await caller.createOffer());
    expect((await track).streams).toHaveLength(0);
  });

  it('streams set on a transceiver that starts sending in a renegotiation reach the peer\'s track event', async () => {
    const caller = pc();
    const callee = pc();
    const fired: RTCPeerConnectionTrackEvent[] = [];
    callee.ontrack = (e) => fired.push(e as RTCPeerConnectionTrackEvent);
    const transceiver = caller.addTransceiver('audio', { direction: 'inactive' });
    await exchange(caller, callee);
    expect(fired).toHaveLength(0);
    const s1 = new MediaStream();
    const s2 = new MediaStream();
    transceiver.direction = 'sendrecv';
    transceiver.sender.setStreams(s1, s2);
    await callee.setRemoteDescription(await caller.createOffer());
    expect(fired).toHaveLength(1);
    expect(fired[0]!.streams.map((s) => s.id).sort()).toEqual([s1.id, s2.id].sort());
  });

  it('streams added to a transceiver already sending fire track again, with the same track, in the new streams', async () => {
    const caller = pc();
    const callee = pc();
    const fired: RTCPeerConnectionTrackEvent[] = [];
    callee.ontrack = (e) => fired.push(e as RTCPeerConnectionTrackEvent);
    const transceiver = caller.addTransceiver('audio', { direction: 'sendrecv' });
    await exchange(caller, callee);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.streams).toHaveLength(0);
    const s1 = new MediaStream();
    const s2 = new MediaStream();
    transceiver.sender.setStreams(s1, s2);
    await callee.setRemoteDescription(await caller.createOffer());
    expect(fired).toHaveLength(2);
    const e = fired[1]!;
    expect(e.track).toBe(fired[0]!.track);
    expect(e.streams.map((s) => s.id).sort()).toEqual([s1.id, s2.id].sort());
    for (const s of e.streams) expect(s.getTracks()).toContain(e.track);
  });

  it('throws InvalidStateError on a closed connection', () => {
    const a = pc();
    const transceiver = a.addTransceiver('audio');
    a.close();
    expect(thrown(() => transceiver.sender.setStreams(new MediaStream(), new MediaStream()))).toBe('InvalidStateError');
  });

  it('makes negotiation needed when the set of streams changes (one added), not when only order or repeats do (WPT onnegotiationneeded)', async () => {
    const a = pc();
    const b = pc();
    const transceiver = a.addTransceiver('audio', { direction: 'sendrecv' });
    const s1 = new MediaStream();
    const s2 = new MediaStream();
    transceiver.sender.setStreams(s1, s2);
    await exchange(a, b);
    let fired = 0;
    a.onnegotiationneeded = () => fired++;
    transceiver.sender.setStreams(s2, s1, s2);
    await tasks(5);
    expect(fired).toBe(0);
    const s3 = new MediaStream();
    const needed = next(a, 'negotiationneeded');
    transceiver.sender.setStreams(s1, s2, s3);
    await needed;
    // The offer names each stream once.
    const offer = await a.createOffer();
    expect((offer.sdp!.match(/^a=msid:/gm) ?? []).length).toBe(3);
  });
});
