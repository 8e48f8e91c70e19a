// W3C WebRTC §4.4.1.6 "set the description", rollback of a remote offer (WPT
// webrtc/RTCPeerConnection-setRemoteDescription-rollback.html, RTCRtpTransceiver.https.html):
// a transceiver the offer made goes unless addTrack attached a track to it (replaceTrack does
// not count), its track leaves its streams (`removetrack`), it is stopped (2021's WPT wanted
// currentDirection null, the current one 'stopped') and its track ends in a later task; transceivers that were there
// get back the remote streams and receptiveness of the last stable state (`addtrack`, `track`).
import { describe, expect, it } from 'vitest';
import { MediaStream, MediaStreamTrack, type MediaStreamTrackEvent, type RTCPeerConnectionTrackEvent } from '../../src/index.js';
import { closedAfterEach, exchange, next } from '../helpers.js';

const pc = closedAfterEach();

function sendingVideo(): { caller: ReturnType<typeof pc>; callee: ReturnType<typeof pc> } {
  const caller = pc();
  const track = new MediaStreamTrack('video');
  caller.addTrack(track, new MediaStream([track]));
  return { caller, callee: pc() };
}

describe('setRemoteDescription(rollback)', () => {
  it('removes a transceiver the offer made that only replaceTrack touched, and ends its track', async () => {
    const { caller, callee } = sendingVideo();
    await callee.setRemoteDescription(await caller.createOffer());
    const [made] = callee.getTransceivers();
    await made!.sender.replaceTrack(new MediaStreamTrack('video'));
    await callee.setRemoteDescription({ type: 'rollback' });
    expect(callee.getTransceivers()).toHaveLength(0);
    expect([made!.mid, made!.direction, made!.currentDirection]).toEqual([null, 'stopped', 'stopped']);
    expect(made!.receiver.track.readyState).toBe('live');
    await next(made!.receiver.track, 'ended');
  });

  it('keeps a transceiver addTrack attached a track to, even once replaceTrack(null) took it away', async () => {
    const { caller, callee } = sendingVideo();
    await callee.setRemoteDescription(await caller.createOffer());
    const track = new MediaStreamTrack('video');
    callee.addTrack(track, new MediaStream([track]));
    await callee.getTransceivers()[0]!.sender.replaceTrack(null);
    await callee.setRemoteDescription({ type: 'rollback' });
    expect(callee.getTransceivers()).toHaveLength(1);
    expect(callee.getTransceivers()[0]!.mid).toBeNull();
    expect(callee.getTransceivers()[0]!.receiver.transport).toBeNull();
  });

  it('takes the offer\'s tracks out of their stream (removetrack for each)', async () => {
    const caller = pc();
    const callee = pc();
    const audio = new MediaStreamTrack('audio');
    const video = new MediaStreamTrack('video');
    const stream = new MediaStream([audio, video]);
    caller.addTrack(audio, stream);
    caller.addTrack(video, stream);
    let remote: MediaStream | undefined;
    callee.ontrack = (e) => (remote = (e as RTCPeerConnectionTrackEvent).streams[0]);
    await callee.setRemoteDescription(await caller.createOffer());
    const tracks = remote!.getTracks();
    const removed: unknown[] = [];
    remote!.addEventListener('removetrack', (e) => removed.push((e as MediaStreamTrackEvent).track));
    await callee.setRemoteDescription({ type: 'rollback' });
    expect(removed).toHaveLength(2);
    expect(removed).toEqual(expect.arrayContaining(tracks));
    expect(remote!.getTracks()).toHaveLength(0);
  });

  it('puts a track the offer moved to another stream back in its stream, with a track event', async () => {
    const caller = pc();
    const callee = pc();
    const audio = new MediaStreamTrack('audio');
    caller.addTrack(audio, new MediaStream([audio]));
    const streams: MediaStream[] = [];
    callee.ontrack = (e) => streams.push((e as RTCPeerConnectionTrackEvent).streams[0]!);
    await exchange(caller, callee);
    const track = streams[0]!.getTracks()[0]!;
    caller.getTransceivers()[0]!.sender.setStreams(new MediaStream());
    await callee.setRemoteDescription(await caller.createOffer());
    expect(streams).toHaveLength(2);
    expect(streams[0]!.getTracks()).toHaveLength(0);
    await callee.setRemoteDescription({ type: 'rollback' });
    expect(streams).toHaveLength(3);
    expect(streams[2]).toBe(streams[0]);
    expect(streams[0]!.getTracks()).toEqual([track]);
    expect(streams[1]!.getTracks()).toHaveLength(0);
  });

  it('gives back a track the offer stopped receiving (addtrack)', async () => {
    const caller = pc();
    const callee = pc();
    const audio = new MediaStreamTrack('audio');
    caller.addTrack(audio, new MediaStream([audio]));
    let remote: MediaStream | undefined;
    callee.ontrack = (e) => (remote = (e as RTCPeerConnectionTrackEvent).streams[0]);
    await exchange(caller, callee);
    caller.removeTrack(caller.getSenders()[0]!);
    await callee.setRemoteDescription(await caller.createOffer());
    expect(remote!.getTracks()).toHaveLength(0);
    const added: unknown[] = [];
    remote!.addEventListener('addtrack', (e) => added.push((e as MediaStreamTrackEvent).track));
    await callee.setRemoteDescription({ type: 'rollback' });
    expect(added).toEqual([callee.getReceivers()[0]!.track]);
    expect(remote!.getTracks()).toEqual([callee.getReceivers()[0]!.track]);
  });
});
