/**
 * A user's listener that throws (addEventListener, on<event>, a track's onFrame) is reported as a
 * process warning, as a browser reports it to the console; the next listener runs, the protocol
 * code that dispatched goes on, and the process does not see an uncaught exception (vitest fails
 * a run with one).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaStreamTrack, type RTCDataChannel, type RTCDataChannelEvent } from '../src/index.js';
import { connected, eventually, loopbackPair, negotiate, next, noNetwork, tasks, vp8Frames } from './helpers.js';

let warnings: Error[] = [];
const onWarning = (w: Error): void => void warnings.push(w);
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

describe('listener exceptions', () => {
  it('a throwing addEventListener listener and on<event> handler are reported; the other listeners run in order', async () => {
    const pc = noNetwork.createPeerConnection();
    try {
      const order: string[] = [];
      pc.addEventListener('negotiationneeded', () => {
        order.push('first');
        throw new Error('boom 1');
      });
      pc.onnegotiationneeded = () => {
        order.push('handler');
        throw new Error('boom 2');
      };
      pc.addEventListener('negotiationneeded', { handleEvent: () => void order.push('object') });
      pc.addEventListener('negotiationneeded', () => {
        order.push('last');
        // Not an Error: reported too.
        throw 'a string';
      });
      pc.addTransceiver('audio');
      await next(pc, 'negotiationneeded');
      await tasks(3);
      expect(order).toEqual(['first', 'handler', 'object', 'last']);
      expect(warnings.map((w) => w.message)).toEqual(['boom 1', 'boom 2', "a 'negotiationneeded' listener threw a string"]);
      // The connection goes on: negotiation still works.
      const offer = await pc.createOffer();
      expect(offer.sdp).toContain('m=audio');
    } finally {
      pc.close();
    }
  });

  it('removeEventListener still removes a guarded listener (function and capture flag)', async () => {
    const pc = noNetwork.createPeerConnection();
    try {
      let calls = 0;
      const listener = (): void => void calls++;
      pc.addEventListener('negotiationneeded', listener);
      pc.addEventListener('negotiationneeded', listener); // the same listener once only
      pc.addEventListener('negotiationneeded', listener, { capture: true });
      pc.removeEventListener('negotiationneeded', listener, true);
      pc.addTransceiver('video');
      await next(pc, 'negotiationneeded');
      expect(calls).toBe(1);
      pc.removeEventListener('negotiationneeded', listener);
      pc.addTransceiver('audio');
      await pc.setLocalDescription();
      await tasks(3);
      expect(calls).toBe(1);
      // once and signal remove it too, and it can be added again afterwards.
      const controller = new AbortController();
      pc.addEventListener('signalingstatechange', listener, { signal: controller.signal });
      controller.abort();
      pc.addEventListener('signalingstatechange', listener, { once: true });
      await pc.setLocalDescription({ type: 'rollback' });
      expect(calls).toBe(2);
      pc.addEventListener('signalingstatechange', listener);
      await pc.setLocalDescription();
      expect(calls).toBe(3);
    } finally {
      pc.close();
    }
  });

  it('on loopback: a data channel onmessage and a track onFrame that throw do not stop the messages, frames or connection', async () => {
    const { a, b } = loopbackPair();
    try {
      const chat = a.createDataChannel('chat');
      const track = new MediaStreamTrack('video');
      a.addTransceiver(track, { direction: 'sendonly' });
      let remoteTrack: MediaStreamTrack | undefined;
      b.ontrack = (e) => (remoteTrack = e.track);
      const incoming = next<RTCDataChannelEvent<RTCDataChannel>>(b, 'datachannel');
      await negotiate(a, b);
      await Promise.all([connected(a), connected(b), next(chat, 'open')]);
      const channel = (await incoming).channel;
      const got: string[] = [];
      channel.onmessage = (e) => {
        got.push(String((e as MessageEvent).data));
        throw new Error(`message ${got.length}`);
      };
      for (let i = 0; i < 3; i++) chat.send(`m${i}`);
      await eventually(() => (got.length === 3 ? true : undefined));
      expect(got).toEqual(['m0', 'm1', 'm2']);

      const frames = vp8Frames().slice(0, 5);
      let seen = 0;
      remoteTrack!.onFrame = () => {
        seen++;
        throw new Error('decoder crashed');
      };
      frames.forEach((f, i) => track.writeFrame(f, { timestamp: i * 33_333 }));
      await eventually(() => (seen === frames.length ? true : undefined));
      expect(warnings.filter((w) => w.message.startsWith('message '))).toHaveLength(3);
      expect(warnings.filter((w) => w.message === 'decoder crashed')).toHaveLength(frames.length);
      expect(a.connectionState).toBe('connected');
      expect(channel.readyState).toBe('open');
      chat.send('after');
      await eventually(() => (got.length === 4 ? true : undefined));
    } finally {
      a.close();
      b.close();
    }
  });
});
