// W3C WebRTC §4.4.1.5 "set the associated remote streams" on a renegotiation (WPT
// webrtc/RTCTrackEvent-fire.html): a remote description that names a new stream for a receiver
// fires `track` again with that stream; one that drops a stream removes the track from it with a
// `removetrack` event (Media Capture and Streams "remove a track"), and the track goes back into
// the default stream when the description has no a=msid left. Without a=msid, legacy
// source-level `a=ssrc:<ssrc> msid:<stream> <track>` lines name the stream.
import { describe, expect, it } from 'vitest';
import { MediaStreamTrack, MediaStreamTrackEvent, type MediaStream, type RTCPeerConnection, type RTCTrackEvent } from '../../src/index.js';
import { closedAfterEach, next } from '../helpers.js';
import { audioSection, description } from './sdp.js';

const pc = closedAfterEach();

const noMsid = description([audioSection()], ['0']);
const withMsid = description([audioSection(['a=msid:1 1', 'a=ssrc:1 cname:1', 'a=ssrc:1 msid:1 1'])], ['0']);

async function offerAndAnswer(a: RTCPeerConnection, sdp: string): Promise<void> {
  await a.setRemoteDescription({ type: 'offer', sdp });
  await a.setLocalDescription();
}

describe('track events on a change of msid', () => {
  it('reads the stream id from a=ssrc:… msid: when the section has no a=msid; a=msid wins when both are there', async () => {
    const sourceLevel = description([audioSection(['a=ssrc:1001 cname:x', 'a=ssrc:1001 msid:src-stream src-track'])], ['0']);
    const a = pc();
    const event = next<RTCTrackEvent>(a, 'track');
    await a.setRemoteDescription({ type: 'offer', sdp: sourceLevel });
    expect(((await event).streams as MediaStream[]).map((s) => s.id)).toEqual(['src-stream']);
    const both = description([audioSection(['a=msid:media-stream t', 'a=ssrc:1001 cname:x', 'a=ssrc:1001 msid:src-stream t'])], ['0']);
    const b = pc();
    const bEvent = next<RTCTrackEvent>(b, 'track');
    await b.setRemoteDescription({ type: 'offer', sdp: both });
    expect(((await bEvent).streams as MediaStream[]).map((s) => s.id)).toEqual(['media-stream']);
  });

  it('a new msid fires track again with the stream of that id', async () => {
    const a = pc();
    await offerAndAnswer(a, noMsid);
    const event = next<RTCTrackEvent>(a, 'track');
    await offerAndAnswer(a, withMsid);
    const streams = (await event).streams as MediaStream[];
    expect(streams.map((s) => s.id)).toEqual(['1']);
  });

  it('the track leaves the default stream for the named one, with removetrack at the default stream', async () => {
    const a = pc();
    const first = next<RTCTrackEvent>(a, 'track');
    await offerAndAnswer(a, noMsid);
    const { track, streams: [defaultStream] } = await first;
    const removed = next<MediaStreamTrackEvent>(defaultStream as MediaStream, 'removetrack');
    await offerAndAnswer(a, withMsid);
    const e = await removed;
    expect(e).toBeInstanceOf(MediaStreamTrackEvent);
    expect(e.track).toBe(track);
    expect((defaultStream as MediaStream).getTracks()).toEqual([]);
  });

  it('a removed msid fires removetrack at its stream, the track no longer in it', async () => {
    const a = pc();
    const first = next<RTCTrackEvent>(a, 'track');
    await a.setRemoteDescription({ type: 'offer', sdp: withMsid });
    const { track, streams } = await first;
    const stream = streams[0] as MediaStream;
    expect(stream.id).toBe('1');
    expect(stream.getTracks()).toEqual([track]);
    await a.setLocalDescription();
    const removed = next<MediaStreamTrackEvent>(stream, 'removetrack');
    await a.setRemoteDescription({ type: 'offer', sdp: noMsid });
    expect((await removed).track).toBe(track);
    expect(stream.getTracks()).toEqual([]);
  });

  it('a section that stops sending removes the track from its streams (removetrack), the receiver stays', async () => {
    const a = pc();
    const first = next<RTCTrackEvent>(a, 'track');
    await offerAndAnswer(a, withMsid);
    const { track, streams, receiver } = await first;
    const stream = streams[0] as MediaStream;
    let removed: unknown;
    stream.onremovetrack = (e) => (removed = e.track);
    await offerAndAnswer(a, withMsid.replace('a=sendrecv', 'a=recvonly'));
    expect(removed).toBe(track);
    expect(stream.getTracks()).toEqual([]);
    expect(a.getReceivers()).toEqual([receiver]);
  });
});

describe('MediaStreamTrackEvent', () => {
  it('needs a track (TypeError otherwise)', () => {
    const track = new MediaStreamTrack('audio');
    expect(new MediaStreamTrackEvent('addtrack', { track }).track).toBe(track);
    expect(() => new MediaStreamTrackEvent('addtrack', {} as { track: MediaStreamTrack })).toThrow(TypeError);
    expect(() => new (MediaStreamTrackEvent as unknown as new (t: string) => unknown)('addtrack')).toThrow(TypeError);
  });
});
