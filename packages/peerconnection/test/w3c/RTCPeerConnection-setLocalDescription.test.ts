// W3C WebRTC §4.4.3.2 setLocalDescription (WPT webrtc/RTCPeerConnection-setLocalDescription.html):
// the implicit offer and answer, the type check (WebIDL TypeError) and the legacy callback form
// of §4.4.3.
import { describe, expect, it } from 'vitest';
import type { RTCLocalSessionDescriptionInit } from '../../src/index.js';
import { closedAfterEach, rejection } from '../helpers.js';

const pc = closedAfterEach();

describe('setLocalDescription', () => {
  it('without a description makes and applies an offer in stable, an answer in have-remote-offer', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('audio');
    await a.setLocalDescription();
    expect([a.signalingState, a.localDescription?.type]).toEqual(['have-local-offer', 'offer']);
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    expect([b.signalingState, b.localDescription?.type]).toEqual(['stable', 'answer']);
  });

  it('a type outside RTCSdpType is TypeError', async () => {
    const a = pc();
    expect(await rejection(a.setLocalDescription({ type: 'bogus' } as unknown as RTCLocalSessionDescriptionInit))).toBe('TypeError');
  });

  it('an offer that is not the last created one is InvalidModificationError', async () => {
    const a = pc();
    a.addTransceiver('audio');
    const offer = await a.createOffer();
    expect(await rejection(a.setLocalDescription({ type: 'offer', sdp: offer.sdp!.replace('a=rtcp-mux\r\n', '') }))).toBe('InvalidModificationError');
  });

  it('legacy form: the success callback is called and the promise resolves with undefined', async () => {
    const a = pc();
    a.addTransceiver('audio');
    const offer = await a.createOffer();
    let result: unknown = 'unset';
    await new Promise<void>((resolve, reject) => {
      void a.setLocalDescription(offer, resolve, reject).then((v) => (result = v));
    });
    expect(result).toBeUndefined();
    expect(a.signalingState).toBe('have-local-offer');
  });

  it('legacy form: the failure callback gets the error', async () => {
    const a = pc();
    const error = await new Promise<unknown>((resolve, reject) => void a.setLocalDescription({ type: 'answer' }, reject, resolve));
    expect((error as DOMException).name).toBe('InvalidStateError');
  });

  it('two arguments match neither form: TypeError (WebIDL overload resolution)', async () => {
    const a = pc();
    const sld = a.setLocalDescription.bind(a) as unknown as (...args: unknown[]) => Promise<unknown>;
    expect(await rejection(sld({}, () => undefined))).toBe('TypeError');
    expect(a.signalingState).toBe('stable');
  });
});
