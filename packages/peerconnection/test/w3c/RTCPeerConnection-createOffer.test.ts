// W3C WebRTC §4.4.3.1 createOffer and the legacy callback form of §4.4.3 "Legacy Interface
// Extensions" (WPT webrtc/RTCPeerConnection-createOffer.html). Legacy steps: run the promise
// operation, give its value to the success callback or its reason to the failure callback, and
// return a promise resolved with undefined.
import { describe, expect, it } from 'vitest';
import { RTCSessionDescription, type RTCSessionDescriptionInit } from '../../src/index.js';
import { closedAfterEach, rejection } from '../helpers.js';

const pc = closedAfterEach();

describe('createOffer', () => {
  it('gives a plain RTCSessionDescriptionInit, not an RTCSessionDescription', async () => {
    const offer = await pc().createOffer();
    expect(offer.type).toBe('offer');
    expect(typeof offer.sdp).toBe('string');
    expect(offer).not.toBeInstanceOf(RTCSessionDescription);
  });

  it('does not change the signaling state; setLocalDescription of it moves to have-local-offer once', async () => {
    const a = pc();
    const states: string[] = [];
    a.onsignalingstatechange = () => states.push(a.signalingState);
    a.addTransceiver('audio');
    const offer = await a.createOffer();
    expect(a.signalingState).toBe('stable');
    await a.setLocalDescription(offer);
    expect(a.signalingState).toBe('have-local-offer');
    expect(a.pendingLocalDescription?.sdp).toBe(offer.sdp);
    expect(a.currentLocalDescription).toBeNull();
    expect(states).toEqual(['have-local-offer']);
  });

  it('on a closed connection is InvalidStateError', async () => {
    const a = pc();
    a.close();
    expect(await rejection(a.createOffer())).toBe('InvalidStateError');
  });

  it('includes a transceiver added after the call (the operation runs when it is its turn)', async () => {
    const a = pc();
    const p = a.createOffer();
    a.addTransceiver('audio');
    expect((await p).sdp!.match(/^m=audio /gm)).toHaveLength(1);
  });
});

describe('createOffer (legacy callbacks)', () => {
  it('calls the success callback with the offer and resolves with undefined', async () => {
    const a = pc();
    a.addTransceiver('video');
    let failed: unknown;
    const offer = await new Promise<RTCSessionDescriptionInit>((resolve, reject) => {
      void a
        .createOffer(resolve, (e) => {
          failed = e;
          reject(e);
        })
        .then((v) => expect(v).toBeUndefined());
    });
    expect(failed).toBeUndefined();
    expect(offer.type).toBe('offer');
    expect(offer.sdp).toMatch(/^m=video /m);
  });

  it('passes options as the third argument', async () => {
    const a = pc();
    a.createDataChannel('x');
    await a.setLocalDescription();
    const first = a.localDescription!.sdp.match(/a=ice-ufrag:(\S+)/)![1];
    const offer = await new Promise<RTCSessionDescriptionInit>((resolve, reject) => void a.createOffer(resolve, reject, { iceRestart: true }));
    expect(offer.sdp!.match(/a=ice-ufrag:(\S+)/)![1]).not.toBe(first);
  });

  it('calls the failure callback with the error, and the returned promise still resolves', async () => {
    const a = pc();
    a.close();
    let succeeded = false;
    const error = await new Promise<unknown>((resolve) => {
      void a.createOffer(() => (succeeded = true), resolve).then((v) => expect(v).toBeUndefined());
    });
    expect(succeeded).toBe(false);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('InvalidStateError');
  });

  it('rejects with TypeError when a callback is not callable (WebIDL)', async () => {
    const a = pc();
    const createOffer = a.createOffer.bind(a) as unknown as (...args: unknown[]) => Promise<unknown>;
    expect(await rejection(createOffer(() => undefined, 'not a function'))).toBe('TypeError');
    expect(await rejection(createOffer(null, () => undefined))).toBe('TypeError');
  });
});

describe('createAnswer (legacy callbacks)', () => {
  it('calls the success callback with the answer', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('audio');
    await b.setRemoteDescription(await a.createOffer());
    const answer = await new Promise<RTCSessionDescriptionInit>((resolve, reject) => {
      void b.createAnswer(resolve, reject).then((v) => expect(v).toBeUndefined());
    });
    expect(answer.type).toBe('answer');
  });

  it('calls the failure callback with InvalidStateError in stable', async () => {
    const error = await new Promise<unknown>((resolve, reject) => void pc().createAnswer(reject, resolve));
    expect((error as DOMException).name).toBe('InvalidStateError');
  });
});
