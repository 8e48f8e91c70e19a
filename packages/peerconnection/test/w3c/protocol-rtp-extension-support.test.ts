// RFC 8829 §5.3.1 and RFC 8285 §6: an answer keeps the header extension IDs of the offer (WPT
// webrtc/protocol/rtp-extension-support.html, "reassignment causes failure"). An answer that
// swaps the IDs of two offered extensions is refused with InvalidAccessError and changes nothing;
// the answer as made applies.
import { describe, expect, it } from 'vitest';
import { closedAfterEach, exchange, rejection } from '../helpers.js';

const pc = closedAfterEach();

describe('header extension IDs in an answer', () => {
  it('an answer that swaps two extensions\' IDs is InvalidAccessError; the unchanged answer applies', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('audio');
    await exchange(a, b);
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    const answer = await b.createAnswer();
    const level = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
    const mid = 'urn:ietf:params:rtp-hdrext:sdes:mid';
    expect(answer.sdp).toContain(level);
    expect(answer.sdp).toContain(mid);
    const swapped = answer.sdp!.replace(level, 'xyzzy').replace(mid, level).replace('xyzzy', mid);
    expect(await rejection(a.setRemoteDescription({ type: 'answer', sdp: swapped }))).toBe('InvalidAccessError');
    expect(a.signalingState).toBe('have-local-offer');
    await a.setRemoteDescription(answer);
    expect(a.signalingState).toBe('stable');
  });

  it('an answer that gives an offered extension a new, unused ID is InvalidAccessError', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('audio');
    await b.setRemoteDescription(await a.createOffer());
    await a.setLocalDescription();
    const answer = await b.createAnswer();
    const moved = answer.sdp!.replace(/a=extmap:\d+ urn:ietf:params:rtp-hdrext:sdes:mid/, 'a=extmap:14 urn:ietf:params:rtp-hdrext:sdes:mid');
    expect(moved).not.toBe(answer.sdp);
    expect(await rejection(a.setRemoteDescription({ type: 'answer', sdp: moved }))).toBe('InvalidAccessError');
  });
});
