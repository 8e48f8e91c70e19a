/**
 * Remote tracks muted and unmuted by what the sender does (W3C WebRTC §4.3.2 and §5.4; RFC 3550
 * §6.6), the behaviour WPT's RTCPeerConnection-remote-track-mute.https.html covers: the remote
 * track starts muted, unmutes with its first packet, and mutes again when the sender stops or the
 * sending connection closes, at once and without a renegotiation, because the sender's last RTCP
 * packet is a BYE for its streams.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MediaStreamTrack } from '../../src/index.js';
import { call, type Call } from './call.js';

/** Resolves at the track's next `event` (`mute` or `unmute`). */
function nextEvent(track: MediaStreamTrack, event: 'mute' | 'unmute'): Promise<void> {
  return new Promise((resolve) => track.addEventListener(event, () => resolve(), { once: true }));
}

/** The remote tracks of `c.b`, once each has unmuted with its first packet. */
async function unmutedRemoteTracks(c: Call): Promise<MediaStreamTrack[]> {
  const tracks = c.b.getReceivers().map((r) => r.track);
  expect(tracks).toHaveLength(2);
  const unmuted = tracks.map((t) => (t.muted ? nextEvent(t, 'unmute') : Promise.resolve()));
  c.send();
  await Promise.all(unmuted);
  for (const t of tracks) expect(t.muted).toBe(false);
  return tracks;
}

describe('remote track mute by RTCP BYE', () => {
  let c: Call | undefined;
  afterEach(() => c?.close());

  it('transceiver.stop() on the sending side mutes the remote track without renegotiation; the other stays unmuted', async () => {
    c = await call();
    const [audio, video] = await unmutedRemoteTracks(c);
    const muted = nextEvent(video!, 'mute');
    const sending = c.a.getTransceivers().find((t) => t.sender.track === c!.video)!;
    sending.stop();
    await muted;
    expect(video!.muted).toBe(true);
    expect(audio!.muted).toBe(false);
    expect(c.a.signalingState).toBe('stable');
  });

  it('pc.close() on the sending side mutes every remote track', async () => {
    c = await call();
    const tracks = await unmutedRemoteTracks(c);
    const muted = tracks.map((t) => nextEvent(t, 'mute'));
    c.a.close();
    await Promise.all(muted);
    for (const t of tracks) expect(t.muted).toBe(true);
  });
});
