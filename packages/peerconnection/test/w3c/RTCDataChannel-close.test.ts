// W3C WebRTC §6.2 close() and §6.2.4 "announcing a data channel as closed" (WPT
// webrtc/RTCDataChannel-close.html). close() sets readyState to closing at once; the side that
// closes sees no closing event, only close; the peer sees closing, then close, with no error.
// The data sent before close() still reaches the peer, before its close event. Closing a
// connection is an abnormal end for the peer's channels: error (an RTCError, OperationError,
// sctp-failure), then close. A closed connection fires nothing on channels already closed.
import { describe, expect, it } from 'vitest';
import { RTCError, RTCErrorEvent } from '../../src/index.js';
import { closedAfterEach, next, tasks } from '../helpers.js';
import { CHANNEL_KINDS, channelPairs } from './channels.js';

const pc = closedAfterEach();
const pair = channelPairs();

describe('close() on a channel that never connected', () => {
  it('is closing at once, then closed with a close event in a later task, and no closing event', async () => {
    const ch = pc().createDataChannel('x');
    const events: string[] = [];
    for (const t of ['closing', 'close', 'error']) ch.addEventListener(t, () => events.push(`${t} ${ch.readyState}`));
    ch.close();
    expect(ch.readyState).toBe('closing');
    expect(events).toEqual([]);
    ch.close(); // again: nothing more
    await next(ch, 'close');
    expect(events).toEqual(['close closed']);
  });

  it('frees its id: a negotiated channel closed before connecting gives its id back', async () => {
    const a = pc();
    const ch = a.createDataChannel('x', { negotiated: true, id: 5 });
    ch.close();
    await next(ch, 'close');
    expect(a.createDataChannel('y', { negotiated: true, id: 5 }).id).toBe(5);
  });
});

describe.each(CHANNEL_KINDS)('%s channel', (_kind, options) => {
  it('closing side: closing at once, close later, no closing event; peer: closing, then close, no error', async () => {
    const { ca, cb } = await pair(options);
    const events: string[] = [];
    for (const [name, ch] of [['a', ca], ['b', cb]] as const) {
      for (const t of ['closing', 'close', 'error']) ch.addEventListener(t, () => events.push(`${name} ${t} ${ch.readyState}`));
    }
    ca.close();
    expect(ca.readyState).toBe('closing');
    await Promise.all([next(ca, 'close'), next(cb, 'close')]);
    expect(events.filter((e) => e.startsWith('a '))).toEqual(['a close closed']);
    expect(events.filter((e) => e.startsWith('b '))).toEqual(['b closing closing', 'b close closed']);
  });

  it('delivers what was sent before close(), in order, before the peer\'s close event', async () => {
    const { ca, cb } = await pair(options);
    const got: string[] = [];
    cb.onmessage = (e) => got.push(e.data as string);
    const closedWith = new Promise<string[]>((resolve) => {
      cb.onclose = () => resolve([...got]);
    });
    const sent = Array.from({ length: 50 }, (_, i) => `m${i} ${'x'.repeat(2000)}`);
    for (const m of sent) ca.send(m);
    ca.close();
    expect(await closedWith).toEqual(sent);
  });

  it('discards what arrives after our close() while closing (W3C §6.2.3: only an open channel fires message)', async () => {
    const { ca, cb } = await pair(options);
    const got: string[] = [];
    ca.onmessage = (e) => got.push(e.data as string);
    ca.close();
    // Sent before b learns of the close: it reaches a while a is closing.
    cb.send('late');
    await next(ca, 'close');
    expect(got).toEqual([]);
  });

  it('closing the connection: the peer\'s channel gets error (RTCError, OperationError, sctp-failure), then close', async () => {
    const { a, ca, cb } = await pair(options);
    const events: string[] = [];
    let error: unknown;
    cb.addEventListener('error', (e) => {
      events.push('error');
      error = (e as RTCErrorEvent).error;
      expect(e).toBeInstanceOf(RTCErrorEvent);
    });
    cb.addEventListener('close', () => events.push('close'));
    let local = 0;
    for (const t of ['closing', 'close', 'error']) ca.addEventListener(t, () => local++);
    a.close();
    // The connection's own channels are closed at once, without events.
    expect(ca.readyState).toBe('closed');
    await next(cb, 'close');
    expect(events).toEqual(['error', 'close']);
    expect(error).toBeInstanceOf(RTCError);
    expect((error as RTCError).name).toBe('OperationError');
    expect((error as RTCError).errorDetail).toBe('sctp-failure');
    expect(local).toBe(0);
  });

  it('closing the connection after both ends closed fires nothing more', async () => {
    const { a, b, ca, cb } = await pair(options);
    ca.close();
    await Promise.all([next(ca, 'close'), next(cb, 'close')]);
    let fired = 0;
    for (const ch of [ca, cb]) for (const t of ['closing', 'close', 'error']) ch.addEventListener(t, () => fired++);
    a.close();
    await tasks(10);
    b.close();
    await tasks(10);
    expect(fired).toBe(0);
  });
});
