// W3C WebRTC §4.4.1.5 "process the addition of a remote track" and "process the removal of a
// remote track" between two of our connections (WPT
// webrtc/RTCPeerConnection-setRemoteDescription-tracks.https.html): `track` carries the streams
// the sender named (none, one shared by two tracks, two for one track), each stream holding the
// remote tracks; it fires before setRemoteDescription resolves; its receiver is the one
// getReceivers() gives, and stays there when the peer removes its track, which leaves its
// streams with a `removetrack` event. WPT's check that the remote track's id is the sender's is
// left out: the current spec no longer ties the id to a=msid.
import { describe, expect, it } from 'vitest';
import { MediaStream, MediaStreamTrack, type MediaStreamTrackEvent, type RTCPeerConnection, type RTCTrackEvent } from '../../src/index.js';
import { closedAfterEach, next } from '../helpers.js';

const pc = closedAfterEach();

/** caller's offer applied at callee; the track events it fired, in order. */
async function offer(caller: RTCPeerConnection, callee: RTCPeerConnection): Promise<RTCTrackEvent[]> {
  const events: RTCTrackEvent[] = [];
  callee.ontrack = (e) => events.push(e);
  await caller.setLocalDescription();
  await callee.setRemoteDescription(caller.localDescription!);
  await callee.setLocalDescription();
  await caller.setRemoteDescription(callee.localDescription!);
  return events;
}

const streamsOf = (e: RTCTrackEvent): MediaStream[] => e.streams as MediaStream[];

describe('track events of a remote offer', () => {
  it('a track added without a stream: one event, no stream', async () => {
    const [caller, callee] = [pc(), pc()];
    caller.addTrack(new MediaStreamTrack('audio'));
    const events = await offer(caller, callee);
    expect(events).toHaveLength(1);
    expect(events[0]!.streams).toEqual([]);
  });

  it('a track added with a stream: that stream id, holding the remote track', async () => {
    const [caller, callee] = [pc(), pc()];
    const stream = new MediaStream();
    caller.addTrack(new MediaStreamTrack('audio'), stream);
    const [e] = await offer(caller, callee);
    expect(streamsOf(e!).map((s) => s.id)).toEqual([stream.id]);
    expect(streamsOf(e!)[0]!.getTracks()).toEqual([e!.track]);
  });

  it('two tracks of one stream: two events with the same stream object, holding both tracks in order', async () => {
    const [caller, callee] = [pc(), pc()];
    const stream = new MediaStream();
    caller.addTrack(new MediaStreamTrack('audio'), stream);
    caller.addTrack(new MediaStreamTrack('video'), stream);
    const sizes: number[] = [];
    callee.addEventListener('track', (e) => sizes.push(streamsOf(e as RTCTrackEvent)[0]!.getTracks().length));
    const events = await offer(caller, callee);
    expect(events).toHaveLength(2);
    const [s1, s2] = [streamsOf(events[0]!)[0], streamsOf(events[1]!)[0]];
    expect(s1).toBe(s2);
    expect(s1!.getTracks()).toEqual([events[0]!.track, events[1]!.track]);
    // Every track is in its streams before the first event fires.
    expect(sizes).toEqual([2, 2]);
  });

  it('one track of two streams: both, in order, each holding the track', async () => {
    const [caller, callee] = [pc(), pc()];
    const [x, y] = [new MediaStream(), new MediaStream()];
    caller.addTrack(new MediaStreamTrack('audio'), x, y);
    const [e] = await offer(caller, callee);
    expect(streamsOf(e!).map((s) => s.id)).toEqual([x.id, y.id]);
    for (const s of streamsOf(e!)) expect(s.getTracks()).toEqual([e!.track]);
  });

  it('fires before setRemoteDescription resolves, with the receiver getReceivers() gives', async () => {
    const [caller, callee] = [pc(), pc()];
    caller.addTrack(new MediaStreamTrack('audio'));
    await caller.setLocalDescription();
    const order: string[] = [];
    let receiver: unknown;
    callee.ontrack = (e) => {
      order.push('track');
      receiver = e.receiver;
    };
    await callee.setRemoteDescription(caller.localDescription!).then(() => order.push('resolved'));
    expect(order).toEqual(['track', 'resolved']);
    expect(callee.getReceivers()).toEqual([receiver]);
  });
});

describe('the peer removing its track', () => {
  it('keeps the receiver, and removes the track from its stream with removetrack', async () => {
    const [caller, callee] = [pc(), pc()];
    const sender = caller.addTrack(new MediaStreamTrack('audio'), new MediaStream());
    const [e] = await offer(caller, callee);
    const receivers = callee.getReceivers();
    expect(receivers).toEqual([e!.receiver]);
    const stream = streamsOf(e!)[0]!;
    expect(stream.getTracks()).toContain(e!.track);
    const removed = next<MediaStreamTrackEvent>(stream, 'removetrack');
    caller.removeTrack(sender);
    await offer(caller, callee);
    expect((await removed).track).toBe(e!.track);
    expect(stream.getTracks()).not.toContain(e!.track);
    expect(callee.getReceivers()).toEqual(receivers);
    expect((e!.track as MediaStreamTrack).muted).toBe(true);
  });
});
