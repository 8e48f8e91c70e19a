/** Framing STUN and ChannelData on a TCP/TLS byte stream (RFC 8656 §3.1, §12.5). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeChannelData,
  StreamFramer,
  StunError,
  TurnClient,
  XorRelayedAddress,
  Lifetime,
  attr,
  encodeMessage,
  StunClass,
  StunMethod,
} from '../src/index.js';
import { sampleIPv4Response, sampleIPv6Response, sampleLongTermRequest, sampleRequest } from './vectors/rfc5769.js';

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const concat = (parts: readonly Uint8Array[]) => Uint8Array.from(Buffer.concat(parts.map((p) => Buffer.from(p))));

/** Feeds `chunks` and returns the frames as hex (copied: frames are views valid during the callback). */
function frames(chunks: readonly Uint8Array[], framer = new StreamFramer()): string[] {
  const out: string[] = [];
  for (const c of chunks) framer.push(c, (f) => out.push(hexOf(f)));
  return out;
}

/** Splits `bytes` at the given cut points. */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

const stunMessages = [sampleRequest, sampleIPv4Response, sampleIPv6Response, sampleLongTermRequest];
// ChannelData as it travels on a stream: padded to 4 bytes (§12.5).
const channelData = [0, 1, 2, 3, 4, 5, 1200].map((n, i) =>
  encodeChannelData(0x4000 + i, Uint8Array.from({ length: n }, (_, j) => (j + n) & 0xff), true),
);

describe('StreamFramer', () => {
  it('cuts RFC 5769 messages and padded ChannelData out of one merged chunk', () => {
    const all = [...stunMessages, ...channelData];
    expect(frames([concat(all)])).toEqual(all.map(hexOf));
  });

  it('ChannelData frames include the padding: 4 + length rounded up to 4', () => {
    for (const cd of channelData) expect(cd.length % 4).toBe(0);
    expect(frames([channelData[1]!])[0]!.length / 2).toBe(8); // 1 data byte + 3 padding
    expect(frames([channelData[0]!])[0]!.length / 2).toBe(4); // empty ChannelData is the header alone
  });

  it('reassembles frames fed one byte at a time', () => {
    const all = [...stunMessages, ...channelData];
    const bytes = concat(all);
    const one = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(frames(one)).toEqual(all.map(hexOf));
  });

  it('holds back a partial frame and ignores empty chunks', () => {
    const f = new StreamFramer();
    const m = sampleRequest;
    expect(frames([m.subarray(0, 3), new Uint8Array(0), m.subarray(3, 30)], f)).toEqual([]);
    expect(f.buffered).toBe(30);
    expect(frames([m.subarray(30)], f)).toEqual([hexOf(m)]);
    expect(f.buffered).toBe(0);
  });

  it('a frame inside one chunk is a view on it, not a copy', () => {
    const chunk = concat([sampleRequest, sampleIPv4Response]);
    const seen: Uint8Array[] = [];
    new StreamFramer().push(chunk, (f) => seen.push(f));
    expect(seen.map((f) => f.buffer === chunk.buffer)).toEqual([true, true]);
  });

  it('decoded frames are the original messages', () => {
    const out: Uint8Array[] = [];
    new StreamFramer().push(concat(stunMessages), (f) => out.push(Uint8Array.from(f)));
    expect(out.map((f) => decodeMessage(f).transactionId).map(hexOf)).toEqual(stunMessages.map((m) => hexOf(decodeMessage(m).transactionId)));
  });

  const bad: Array<[string, Uint8Array, string]> = [
    ['first bits 10', Uint8Array.from([0x80, 0, 0, 0]), 'NOT_STUN'],
    ['first bits 11', Uint8Array.from([0xff, 0xff]), 'NOT_STUN'],
    ['0x50..0x7f is no channel', Uint8Array.from([0x50, 0x00, 0x00, 0x04]), 'BAD_CHANNEL_DATA'],
    ['wrong magic cookie', Uint8Array.from([0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x43]), 'NOT_STUN'],
    ['STUN length not a multiple of 4', Uint8Array.from([0, 1, 0, 5, 0x21, 0x12, 0xa4, 0x42]), 'BAD_LENGTH'],
  ];
  for (const [name, bytes, code] of bad) {
    it(`garbage (${name}) throws StunError ${code}, after delivering the frames before it, and stays failed`, () => {
      const f = new StreamFramer();
      const out: string[] = [];
      let err: unknown;
      try {
        f.push(concat([sampleRequest, bytes]), (fr) => out.push(hexOf(fr)));
      } catch (e) {
        err = e;
      }
      expect(out).toEqual([hexOf(sampleRequest)]);
      expect(err).toBeInstanceOf(StunError);
      expect((err as StunError).code).toBe(code);
      // The framing is lost for good: the connection must be closed.
      expect(() => f.push(sampleRequest, () => undefined)).toThrow(StunError);
    });
  }

  it('a bad cookie is caught in the header, before waiting for the announced length', () => {
    const f = new StreamFramer();
    // Length 0xfffc would make a naive framer wait for 64 KiB.
    expect(() => f.push(Uint8Array.from([0, 1, 0xff, 0xfc, 1, 2]), () => undefined)).toThrow(StunError);
  });

  it('property (fixed seed): any split of a valid stream gives the same frames', () => {
    const pool = [...stunMessages, ...channelData];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (picks, cuts) => {
          const msgs = picks.map((i) => pool[i]!);
          expect(frames(split(concat(msgs), cuts))).toEqual(msgs.map(hexOf));
        },
      ),
      { seed: 0x5709, numRuns: 500 },
    );
  });

  it('property (fixed seed): random bytes in random chunks yield frames or StunError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 10 }), fc.boolean(), (bytes, cuts, prefix) => {
        const f = new StreamFramer();
        const input = prefix ? concat([sampleRequest, bytes]) : bytes;
        try {
          for (const c of split(input, cuts)) f.push(c, (fr) => expect(fr.length % 4).toBe(0));
        } catch (e) {
          if (!(e instanceof StunError)) throw e;
        }
      }),
      { seed: 0x570a, numRuns: 3000 },
    );
  });
});

describe('TurnClient on a reliable transport (RFC 8489 §6.2.2, RFC 8656 §12.5)', () => {
  it('sends a request once and fails it after Ti = 39.5 s, with no retransmission', () => {
    const c = new TurnClient({ username: 'u', password: 'p', transaction: { reliable: true } });
    const id = c.allocate(0);
    expect(c.pollTransmit()).toBeDefined();
    expect(c.pollTransmit()).toBeUndefined();
    expect(c.nextTimeout()).toBe(39_500);
    for (const t of [500, 1500, 3500, 7500, 15500, 31500, 39_499]) {
      c.handleTimeout(t);
      expect(c.pollTransmit()).toBeUndefined();
      expect(c.pollEvent()).toBeUndefined();
    }
    c.handleTimeout(39_500);
    expect(c.pollTransmit()).toBeUndefined();
    const e = c.pollEvent();
    expect(e).toMatchObject({ type: 'error', id, operation: 'allocate' });
    expect((e as { error: StunError }).error.code).toBe('TIMEOUT');
  });

  it('pads ChannelData to a multiple of 4 when asked (as the stream clients do)', () => {
    for (const pad of [false, true]) {
      const c = new TurnClient({ username: 'u', password: 'p', padChannelData: pad });
      c.allocate(0);
      const req = decodeMessage(c.pollTransmit()!);
      const peer = { family: 'IPv4', address: '127.0.0.1', port: 5000 } as const;
      c.handleIncoming(
        encodeMessage({
          method: StunMethod.Allocate,
          messageClass: StunClass.SuccessResponse,
          transactionId: req.transactionId,
          attributes: [attr(XorRelayedAddress, { family: 'IPv4', address: '127.0.0.1', port: 6000 }), attr(Lifetime, 600)],
        }),
        0,
      );
      c.bindChannel(0, peer);
      const bind = decodeMessage(c.pollTransmit()!);
      c.handleIncoming(
        encodeMessage({ method: StunMethod.ChannelBind, messageClass: StunClass.SuccessResponse, transactionId: bind.transactionId }),
        0,
      );
      for (const n of [1, 2, 3, 4, 5]) {
        c.send(peer, new Uint8Array(n).fill(7));
        const wire = c.pollTransmit()!;
        expect(wire[0]).toBe(0x40);
        expect((wire[2]! << 8) | wire[3]!).toBe(n);
        expect(wire.length).toBe(pad ? (4 + n + 3) & ~3 : 4 + n);
        if (pad) expect([...wire.subarray(4 + n)].every((b) => b === 0)).toBe(true);
      }
    }
  });
});
