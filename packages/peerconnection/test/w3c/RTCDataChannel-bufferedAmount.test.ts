// W3C WebRTC §6.2 bufferedAmount, bufferedAmountLowThreshold and the bufferedamountlow event
// (WPT webrtc/RTCDataChannel-bufferedAmount.html and -bufferedAmountLowThreshold.html).
// [[BufferedAmount]] grows in send() itself, by the UTF-8 size of a string or the byte size of
// binary data; it falls only in a later task, as the data leaves, and bufferedamountlow fires in
// the task where it falls from above the threshold to or below it. Closing the channel or the
// connection does not reset it to zero.
import { describe, expect, it } from 'vitest';
import { next, tasks } from '../helpers.js';
import { CHANNEL_KINDS, channelPairs, nextMessage } from './channels.js';

const pair = channelPairs();

const hello = 'hello';
const unicode = '世界你好'; // 12 bytes in UTF-8, 4 UTF-16 code units
const helloBytes = new TextEncoder().encode(hello);

describe.each(CHANNEL_KINDS)('%s channel', (_kind, options) => {
  it('starts at 0 on both ends', async () => {
    const { ca, cb } = await pair(options);
    expect(ca.bufferedAmount).toBe(0);
    expect(cb.bufferedAmount).toBe(0);
  });

  it('grows in send() by the UTF-8 size of a string, and is 0 again once it arrived', async () => {
    const { ca, cb } = await pair(options);
    const arrived = nextMessage(cb);
    ca.send(unicode);
    expect(ca.bufferedAmount).toBe(12);
    expect(await arrived).toBe(unicode);
    expect(ca.bufferedAmount).toBe(0);
  });

  it('grows by the byte size of an ArrayBuffer, a view and a Blob', async () => {
    const { ca, cb } = await pair(options);
    let got = 0;
    const all = new Promise<void>((resolve) => {
      cb.onmessage = () => ++got === 4 && resolve();
    });
    ca.send(helloBytes.slice().buffer);
    expect(ca.bufferedAmount).toBe(5);
    ca.send(new DataView(new ArrayBuffer(7)));
    expect(ca.bufferedAmount).toBe(12);
    ca.send(new Blob([helloBytes]));
    expect(ca.bufferedAmount).toBe(17);
    ca.send(unicode);
    expect(ca.bufferedAmount).toBe(29);
    await all;
    expect(ca.bufferedAmount).toBe(0);
  });

  it('does not grow for an empty message (the byte SCTP carries for it is not data)', async () => {
    const { ca, cb } = await pair(options);
    const arrived = nextMessage(cb);
    ca.send('');
    expect(ca.bufferedAmount).toBe(0);
    expect(await arrived).toBe('');
  });

  it('does not fall within the task of send(), microtasks included: the data leaves in a later task', async () => {
    const { ca } = await pair(options);
    ca.send(hello);
    expect(ca.bufferedAmount).toBe(5);
    await Promise.resolve();
    expect(ca.bufferedAmount).toBe(5);
    await next(ca, 'bufferedamountlow');
    expect(ca.bufferedAmount).toBe(0);
  });

  it('only falls while data leaves, down to 0', async () => {
    const { ca, cb } = await pair(options);
    const size = 16 * 1024;
    const count = 32;
    let got = 0;
    const all = new Promise<void>((resolve) => {
      cb.onmessage = () => ++got === count && resolve();
    });
    for (let i = 0; i < count; i++) ca.send(new Uint8Array(size));
    const seen = [ca.bufferedAmount];
    await new Promise<void>((resolve) => {
      const step = (): void => {
        seen.push(ca.bufferedAmount);
        if (ca.bufferedAmount === 0) resolve();
        else setImmediate(step);
      };
      setImmediate(step);
    });
    expect(seen[0]).toBe(size * count);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeLessThanOrEqual(seen[i - 1]!);
    await all;
  });

  it('is not reset by close(): the value right after close() is the value before it', async () => {
    const { ca } = await pair(options);
    ca.send(helloBytes.slice().buffer);
    ca.close();
    expect(ca.readyState).toBe('closing');
    expect(ca.bufferedAmount).toBe(5);
  });

  it('is not reset by closing the connection: what was still queued stays counted', async () => {
    const { a, ca } = await pair(options);
    ca.send(helloBytes.slice().buffer);
    a.close();
    expect(ca.readyState).toBe('closed');
    expect(ca.bufferedAmount).toBe(5);
    await tasks(5);
    expect(ca.bufferedAmount).toBe(5);
  });

  it('fires bufferedamountlow once the sent data left, with bufferedAmount at or below the threshold', async () => {
    const { ca } = await pair(options);
    const levels: number[] = [];
    ca.onbufferedamountlow = () => levels.push(ca.bufferedAmount);
    ca.send(hello);
    ca.send(hello);
    expect(ca.bufferedAmount).toBe(10);
    await next(ca, 'bufferedamountlow');
    await tasks(5);
    // Two sends in one task, one crossing: one event.
    expect(levels).toEqual([0]);
  });

  it('fires bufferedamountlow again for each later send', async () => {
    const { ca, cb } = await pair(options);
    for (let i = 0; i < 3; i++) {
      const low = next(ca, 'bufferedamountlow');
      const arrived = nextMessage(cb);
      ca.send(hello);
      await low;
      expect(await arrived).toBe(hello);
    }
  });

  it('fires bufferedamountlow only when the amount falls from above the threshold', async () => {
    const { ca, cb } = await pair(options);
    let fired = 0;
    ca.onbufferedamountlow = () => fired++;
    ca.bufferedAmountLowThreshold = 100;
    expect(ca.bufferedAmountLowThreshold).toBe(100);
    const arrived = nextMessage(cb);
    ca.send(new Uint8Array(50));
    await arrived;
    await tasks(5);
    expect(fired).toBe(0);
    const low = next(ca, 'bufferedamountlow');
    ca.send(new Uint8Array(500));
    await low;
    expect(ca.bufferedAmount).toBeLessThanOrEqual(100);
    expect(fired).toBe(1);
  });
});

describe('bufferedAmountLowThreshold', () => {
  it('is an unsigned long: 0 at first, kept as set, wrapped modulo 2^32', async () => {
    const { ca } = await pair();
    expect(ca.bufferedAmountLowThreshold).toBe(0);
    ca.bufferedAmountLowThreshold = 4096;
    expect(ca.bufferedAmountLowThreshold).toBe(4096);
    ca.bufferedAmountLowThreshold = -1;
    expect(ca.bufferedAmountLowThreshold).toBe(2 ** 32 - 1);
  });
});
