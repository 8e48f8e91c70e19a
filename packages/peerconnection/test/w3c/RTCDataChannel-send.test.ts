// W3C WebRTC §6.2 send() and §6.2.3 "receiving messages on a data channel" (WPT
// webrtc/RTCDataChannel-send.html, and the receiving side of -send-receive.html). send() throws
// InvalidStateError unless the channel is open and TypeError above the SCTP transport's
// maxMessageSize; a string arrives as a string whatever binaryType says, binary data as an
// ArrayBuffer or a Blob by the receiver's binaryType; each message event is fired in a task of
// its own, so what a handler queues as a microtask runs before the next message event.
import { describe, expect, it } from 'vitest';
import { closedAfterEach, next, thrown } from '../helpers.js';
import { CHANNEL_KINDS, channelPairs, nextMessage } from './channels.js';

const pc = closedAfterEach();
const pair = channelPairs();

describe('send() outside the open state', () => {
  it('throws InvalidStateError while connecting', () => {
    const ch = pc().createDataChannel('x');
    expect(ch.readyState).toBe('connecting');
    for (const data of ['hi', new ArrayBuffer(1), new Uint8Array(1), new Blob(['x'])]) expect(thrown(() => ch.send(data))).toBe('InvalidStateError');
    expect(ch.bufferedAmount).toBe(0);
  });

  it('throws InvalidStateError once closing and once closed', async () => {
    const { ca } = await pair();
    ca.close();
    expect(ca.readyState).toBe('closing');
    expect(thrown(() => ca.send('late'))).toBe('InvalidStateError');
    await next(ca, 'close');
    expect(thrown(() => ca.send('later'))).toBe('InvalidStateError');
  });
});

describe.each(CHANNEL_KINDS)('%s channel', (_kind, options) => {
  it('delivers strings as strings, the UTF-8 kept, whatever binaryType is', async () => {
    const { ca, cb } = await pair(options);
    for (const type of ['arraybuffer', 'blob'] as const) {
      cb.binaryType = type;
      const got = nextMessage(cb);
      ca.send('hello 世界你好');
      expect(await got).toBe('hello 世界你好');
    }
  });

  it('delivers an ArrayBuffer, a typed array view and a DataView as an ArrayBuffer under binaryType arraybuffer', async () => {
    const { ca, cb } = await pair(options);
    cb.binaryType = 'arraybuffer';
    const bytes = Uint8Array.of(1, 2, 3, 4, 5, 6);
    const sent = [bytes.slice().buffer, bytes.subarray(2, 5), new DataView(bytes.buffer, 1, 2)];
    const want = [[1, 2, 3, 4, 5, 6], [3, 4, 5], [2, 3]];
    for (let i = 0; i < sent.length; i++) {
      const got = nextMessage(cb);
      ca.send(sent[i]!);
      const data = await got;
      expect(data).toBeInstanceOf(ArrayBuffer);
      expect([...new Uint8Array(data as ArrayBuffer)]).toEqual(want[i]);
    }
  });

  it('delivers binary data as a Blob under binaryType blob, and sends a Blob', async () => {
    const { ca, cb } = await pair(options);
    cb.binaryType = 'blob';
    const got = nextMessage(cb);
    ca.send(new Blob([Uint8Array.of(9, 8, 7)]));
    const data = await got;
    expect(data).toBeInstanceOf(Blob);
    expect([...new Uint8Array(await (data as Blob).arrayBuffer())]).toEqual([9, 8, 7]);
  });

  it('throws TypeError for a message above pc.sctp.maxMessageSize, and sends nothing', async () => {
    const { a, ca, cb } = await pair(options);
    const max = a.sctp!.maxMessageSize;
    expect(Number.isFinite(max)).toBe(true);
    expect(thrown(() => ca.send(new Uint8Array(max + 1)))).toBe('TypeError');
    expect(ca.bufferedAmount).toBe(0);
    const got = nextMessage(cb);
    ca.send('after');
    expect(await got).toBe('after');
  });

  it('fires each message event in its own task: a handler\'s microtask runs before the next message', async () => {
    const { ca, cb } = await pair(options);
    const order: string[] = [];
    const count = 8;
    const done = new Promise<void>((resolve) => {
      cb.onmessage = (e) => {
        order.push(`message ${e.data}`);
        queueMicrotask(() => {
          order.push(`microtask ${e.data}`);
          if (order.length === 2 * count) resolve();
        });
      };
    });
    // Sent in one task: they travel together and arrive together.
    for (let i = 0; i < count; i++) ca.send(String(i));
    await done;
    expect(order).toEqual(Array.from({ length: count }, (_, i) => [`message ${i}`, `microtask ${i}`]).flat());
  });
});
