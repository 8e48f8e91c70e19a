/**
 * Open data channel pairs for the w3c/ data channel tests: two of our connections on 127.0.0.1,
 * a channel made by `a` (in band with DCEP, or negotiated with the same id on both sides), both
 * ends open. Every pair made in a test is closed after it.
 */
import { afterEach } from 'vitest';
import type { RTCDataChannel, RTCDataChannelEvent, RTCDataChannelInit, RTCPeerConnection } from '../../src/index.js';
import { loopbackPair, negotiate, next } from '../helpers.js';

export interface ChannelPair {
  a: RTCPeerConnection;
  b: RTCPeerConnection;
  /** `a`'s end. */
  ca: RTCDataChannel;
  /** `b`'s end. */
  cb: RTCDataChannel;
}

/** The two ways a channel comes to both sides: in band (DCEP), and negotiated by the application. */
export const CHANNEL_KINDS: [string, RTCDataChannelInit][] = [
  ['in-band', {}],
  ['negotiated', { negotiated: true, id: 0 }],
];

function opened(ch: RTCDataChannel): Promise<unknown> {
  return ch.readyState === 'open' ? Promise.resolve() : next(ch, 'open');
}

/** A maker of open channel pairs, closed after each test of the file. */
export function channelPairs(): (options?: RTCDataChannelInit) => Promise<ChannelPair> {
  const open: RTCPeerConnection[] = [];
  afterEach(() => {
    for (const p of open.splice(0)) p.close();
  });
  return async (options = {}) => {
    const { a, b } = loopbackPair();
    open.push(a, b);
    const ca = a.createDataChannel('pair', options);
    const remote = options.negotiated === true
      ? Promise.resolve(b.createDataChannel('pair', options))
      : next<RTCDataChannelEvent<RTCDataChannel>>(b, 'datachannel').then((e) => e.channel);
    await negotiate(a, b);
    const cb = await remote;
    await Promise.all([opened(ca), opened(cb)]);
    return { a, b, ca, cb };
  };
}

/** Resolves with the data of the next message on `ch`. */
export function nextMessage(ch: RTCDataChannel): Promise<unknown> {
  return next<MessageEvent>(ch, 'message').then((e) => e.data);
}
