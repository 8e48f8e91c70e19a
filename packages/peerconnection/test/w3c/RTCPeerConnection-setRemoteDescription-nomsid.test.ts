// W3C WebRTC §4.4.1.5 "set the associated remote streams" with RFC 8829 §5.10 for a remote
// description without any a=msid (WPT webrtc/RTCPeerConnection-setRemoteDescription-nomsid.html
// and the no-msid cases of webrtc/protocol/msid-parse.html): the track goes into a default stream,
// one per connection, whose id is random (as libwebrtc makes it; the spec names no id, so the
// test does not either). `a=msid:-` says "no stream" and gives none; once a description uses
// a=msid, a section without it has no stream. Also the legacy description without a=mid: mids
// are generated (libwebrtc's index mids), not refused.
import { describe, expect, it } from 'vitest';
import type { RTCPeerConnection, RTCTrackEvent } from '../../src/index.js';
import { closedAfterEach, next } from '../helpers.js';
import { audioSection, description } from './sdp.js';

const pc = closedAfterEach();

async function trackStreamIds(a: RTCPeerConnection, sdp: string): Promise<string[]> {
  const event = next<RTCTrackEvent>(a, 'track');
  await a.setRemoteDescription({ type: 'offer', sdp });
  return ((await event).streams as { id: string }[]).map((s) => s.id);
}

describe('a remote description without a=msid', () => {
  it('gives the track event one stream, holding the track', async () => {
    const a = pc();
    const event = next<RTCTrackEvent>(a, 'track');
    await a.setRemoteDescription({ type: 'offer', sdp: description([audioSection()]) });
    const e = await event;
    expect(e.streams).toHaveLength(1);
    const stream = e.streams[0] as { id: string; getTracks(): unknown[] };
    expect(stream.getTracks()).toEqual([e.track]);
    expect(stream.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts every such track of the connection into the same default stream', async () => {
    const a = pc();
    const streams: unknown[] = [];
    a.ontrack = (e) => streams.push(...e.streams);
    await a.setRemoteDescription({ type: 'offer', sdp: description([audioSection([], '0'), audioSection([], '1')], ['0', '1']) });
    expect(streams).toHaveLength(2);
    expect(streams[0]).toBe(streams[1]);
    expect((streams[0] as { getTracks(): unknown[] }).getTracks()).toHaveLength(2);
  });

  it('gives no stream for a=msid:- (explicitly none)', async () => {
    expect(await trackStreamIds(pc(), description([audioSection(['a=msid:- track'])]))).toEqual([]);
  });

  it('gives a section without a=msid no stream when another section of the description has one', async () => {
    const a = pc();
    const ids: string[][] = [];
    a.ontrack = (e) => ids.push(e.streams.map((s) => s.id));
    await a.setRemoteDescription({ type: 'offer', sdp: description([audioSection(['a=msid:s1 t1'], '0'), audioSection([], '1')], ['0', '1']) });
    expect(ids).toEqual([['s1'], []]);
  });

  it('and without a=mid: mids are generated from the section index, and the answer carries them', async () => {
    const a = pc();
    const event = next<RTCTrackEvent>(a, 'track');
    await a.setRemoteDescription({ type: 'offer', sdp: description([audioSection([], null)]) });
    expect((await event).streams).toHaveLength(1);
    expect(a.getTransceivers().map((t) => t.mid)).toEqual(['0']);
    await a.setLocalDescription();
    expect(a.localDescription!.sdp).toMatch(/^a=mid:0\r$/m);
  });

  it('and an answer without a=mid takes the mids of our offer, section by section', async () => {
    const a = pc();
    const b = pc();
    const t = a.addTransceiver('audio');
    a.addTransceiver('video');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    const legacy = b.localDescription!.sdp.split('\r\n').filter((l) => !l.startsWith('a=mid:') && !l.startsWith('a=group:BUNDLE')).join('\r\n');
    await a.setRemoteDescription({ type: 'answer', sdp: legacy });
    expect(a.signalingState).toBe('stable');
    expect(a.getTransceivers().map((x) => x.mid)).toEqual(['0', '1']);
    // b has nothing to send: it answered recvonly.
    expect(t.currentDirection).toBe('sendonly');
  });

  it('but a description where only some sections lack a=mid is refused (InvalidAccessError)', async () => {
    const a = pc();
    const sdp = description([audioSection([], '0'), audioSection([], null)]);
    await expect(a.setRemoteDescription({ type: 'offer', sdp })).rejects.toMatchObject({ name: 'InvalidAccessError' });
  });
});
