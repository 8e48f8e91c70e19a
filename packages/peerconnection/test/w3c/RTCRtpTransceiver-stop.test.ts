// W3C WebRTC §5.4 RTCRtpTransceiver.stop() and the "stop sending and receiving" steps (WPT
// webrtc/RTCRtpTransceiver-stop.html, RTCRtpTransceiver-stopping.https.html): stop() makes the
// direction 'stopped' at once, ends the receiver's track in a task of its own (the sender keeps
// its track but sends nothing) and needs negotiation; the next offer rejects the section (port 0)
// or, for a transceiver never negotiated, leaves it out; once the answer is applied the
// transceiver is stopped on both sides, has no mid, and leaves the set of transceivers, senders
// and receivers. A remote offer rejecting the section stops it at once (direction and
// currentDirection 'stopped'; 2021's WPT kept the direction, the current one does not).
import { describe, expect, it } from 'vitest';
import { MediaStreamTrack } from '../../src/index.js';
import { closedAfterEach, exchange, next, thrown } from '../helpers.js';

const pc = closedAfterEach();

describe('RTCRtpTransceiver.stop()', () => {
  it('makes the direction stopped at once, ends the receiver track in a later task, keeps currentDirection until negotiated', async () => {
    const a = pc();
    const t = a.addTransceiver('audio');
    const ended = next(t.receiver.track, 'ended');
    t.stop();
    expect(t.direction).toBe('stopped');
    expect(t.currentDirection).toBeNull();
    expect(t.receiver.track.readyState).toBe('live');
    await ended;
    expect(t.receiver.track.readyState).toBe('ended');
    // A second stop() does nothing.
    expect(thrown(() => t.stop())).toBe('nothing');
  });

  it('keeps the sender\'s track (only sending stops), and removeTrack on it is a no-op (WPT RTCPeerConnection-removeTrack)', () => {
    const a = pc();
    const track = new MediaStreamTrack('audio');
    const sender = a.addTrack(track);
    a.getTransceivers()[0]!.stop();
    expect(sender.track).toBe(track);
    a.removeTrack(sender);
    expect(sender.track).toBe(track);
  });

  it('a remote offer rejecting its section stops it at once: receiver track ended, direction and currentDirection stopped; the answer takes its mid', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('audio');
    await exchange(a, b);
    const remote = b.getTransceivers()[0]!;
    a.getTransceivers()[0]!.stop();
    await a.setLocalDescription();
    const ended = next(remote.receiver.track, 'ended');
    await b.setRemoteDescription(a.localDescription!);
    await ended;
    expect(remote.receiver.track.readyState).toBe('ended');
    expect(remote.currentDirection).toBe('stopped');
    expect(remote.direction).toBe('stopped');
    expect(remote.mid).not.toBeNull();
    await b.setLocalDescription();
    expect(b.getTransceivers()).toEqual([]);
    expect(remote.mid).toBeNull();
  });

  it('stop() of a transceiver the connection no longer lists still throws InvalidStateError once it is closed', async () => {
    const a = pc();
    const b = pc();
    const t = a.addTransceiver('audio');
    await exchange(a, b);
    t.stop();
    await exchange(a, b);
    expect(a.getTransceivers()).toEqual([]);
    expect(thrown(() => t.stop())).toBe('nothing');
    a.close();
    expect(thrown(() => t.stop())).toBe('InvalidStateError');
  });

  it('a stopped transceiver\'s direction cannot be set (InvalidStateError)', () => {
    const t = pc().addTransceiver('video');
    t.stop();
    expect(thrown(() => (t.direction = 'sendrecv'))).toBe('InvalidStateError');
  });

  it('on a closed connection throws InvalidStateError', () => {
    const a = pc();
    const t = a.addTransceiver('audio');
    a.close();
    expect(thrown(() => t.stop())).toBe('InvalidStateError');
  });

  it('fires negotiationneeded for a negotiated transceiver', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('audio');
    await exchange(a, b);
    const needed = next(a, 'negotiationneeded');
    a.getTransceivers()[0]!.stop();
    await needed;
  });

  it('before the first offer: the offer has no section for it, and no transport is created', async () => {
    const a = pc();
    a.addTransceiver('audio', { direction: 'sendonly' });
    a.addTransceiver('video');
    const [audio, video] = a.getTransceivers();
    audio!.stop();
    video!.stop();
    expect(video!.receiver.transport).toBeNull();
    a.addTransceiver('video');
    const offer = await a.createOffer();
    expect(offer.sdp).not.toMatch(/^m=audio/m);
    expect(offer.sdp!.match(/^m=video/gm)).toHaveLength(1);
  });

  it('in a renegotiation: a negotiated section is rejected (port 0, inactive), a new stopped one left out', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('audio');
    await exchange(a, b);
    a.addTransceiver('video');
    a.getTransceivers()[0]!.direction = 'sendonly';
    for (const t of a.getTransceivers()) t.stop();
    const offer = await a.createOffer();
    expect(offer.sdp).toMatch(/^m=audio 0 /m);
    expect(offer.sdp).toMatch(/^a=inactive/m);
    expect(offer.sdp).not.toMatch(/^m=video/m);
  });

  it('after offer and answer, the transceiver is stopped on both sides and leaves both sets', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('audio');
    await exchange(a, b);
    const [ta] = a.getTransceivers();
    const [tb] = b.getTransceivers();
    ta!.stop();
    await exchange(a, b);
    expect([ta!.direction, ta!.currentDirection]).toEqual(['stopped', 'stopped']);
    expect([tb!.direction, tb!.currentDirection]).toEqual(['stopped', 'stopped']);
    expect(tb!.receiver.track.readyState).toBe('ended');
    for (const p of [a, b]) {
      expect(p.getTransceivers()).toHaveLength(0);
      expect(p.getSenders()).toHaveLength(0);
      expect(p.getReceivers()).toHaveLength(0);
    }
  });

  it('negotiation goes on afterwards, whichever side stopped it', async () => {
    for (const stopper of ['offerer', 'answerer'] as const) {
      const a = pc();
      const b = pc();
      a.addTransceiver('audio');
      await exchange(a, b);
      (stopper === 'offerer' ? a : b).getTransceivers()[0]!.stop();
      if (stopper === 'offerer') await exchange(a, b);
      else await exchange(b, a);
      // A new transceiver takes the rejected section's place (recycled: still one m= line).
      a.addTransceiver('video');
      await exchange(a, b);
      const sdp = a.localDescription!.sdp;
      expect(sdp.match(/^m=/gm)).toEqual(['m=']);
      expect(sdp).toMatch(/^m=video [1-9]/m);
      expect(a.getTransceivers().map((t) => t.receiver.track.kind)).toEqual(['video']);
      expect(b.getTransceivers().map((t) => t.receiver.track.kind)).toEqual(['video']);
    }
  });

  it('stopped by the answerer after the offer: the answer keeps the section as inactive, and the answerer\'s next offer rejects it (RFC 8829 §5.3.1)', async () => {
    const a = pc();
    const b = pc();
    a.addTrack(new MediaStreamTrack('audio'));
    b.addTrack(new MediaStreamTrack('audio'));
    await b.setRemoteDescription(await a.createOffer());
    await a.setLocalDescription();
    const tb = b.getTransceivers()[0]!;
    tb.stop();
    const answer = await b.createAnswer();
    expect(answer.sdp).toMatch(/^m=audio [1-9]/m);
    expect(answer.sdp).toMatch(/^a=inactive\r?$/m);
    const needed = next(b, 'negotiationneeded');
    await b.setLocalDescription(answer);
    expect([tb.direction, tb.currentDirection, b.getTransceivers().length]).toEqual(['stopped', 'inactive', 1]);
    await needed;
    await exchange(b, a);
    expect([tb.currentDirection, tb.mid, b.getTransceivers().length]).toEqual(['stopped', null, 0]);
  });

  it('stopped by the offerer after createOffer: the answer still applies (track event, currentDirection) and the next offer rejects it', async () => {
    const a = pc();
    const b = pc();
    const track = new MediaStreamTrack('audio');
    a.addTrack(track);
    b.addTrack(new MediaStreamTrack('audio'));
    const offer = await a.createOffer();
    const ta = a.getTransceivers()[0]!;
    ta.stop();
    await b.setRemoteDescription(offer);
    await a.setLocalDescription(offer);
    const trackEvent = next(a, 'track');
    const needed = next(a, 'negotiationneeded');
    await a.setRemoteDescription(await b.createAnswer());
    await trackEvent;
    expect([ta.direction, ta.currentDirection]).toEqual(['stopped', 'sendrecv']);
    await needed;
    await exchange(a, b);
    expect(a.getTransceivers()).toHaveLength(0);
  });

  it('a new transceiver takes the section a stopped one left rejected, with a new mid (m= section recycling, RFC 8829 §5.2.2)', async () => {
    const a = pc();
    const b = pc();
    const old = a.addTransceiver('audio');
    await exchange(a, b);
    const oldMid = old.mid;
    old.stop();
    await exchange(a, b);
    expect(a.getTransceivers()).toHaveLength(0);
    const fresh = a.addTransceiver('video');
    const offer = await a.createOffer();
    expect((offer.sdp!.match(/^m=/gm) ?? []).length).toBe(1);
    expect(offer.sdp).toMatch(/^m=video [1-9]/m);
    await a.setLocalDescription(offer);
    expect(fresh.mid).not.toBeNull();
    expect(fresh.mid).not.toBe(oldMid);
    await b.setRemoteDescription(offer);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    expect(fresh.currentDirection).toBe('sendonly');
    expect(b.getTransceivers().map((t) => [t.mid, t.receiver.track.kind])).toEqual([[fresh.mid, 'video']]);
  });
});
