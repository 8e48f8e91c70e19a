import { describe, expect, it } from 'vitest';
import {
  attr,
  ChannelNumber,
  Data,
  decodeMessage,
  encodeChannelData,
  encodeMessage,
  ErrorCode,
  Lifetime,
  longTermKey,
  MessageIntegrity,
  Nonce,
  PasswordAlgorithm,
  PasswordAlgorithmId,
  PasswordAlgorithms,
  Realm,
  RequestedTransport,
  StunClass,
  StunMethod,
  TurnClient,
  Username,
  XorMappedAddress,
  XorPeerAddress,
  XorRelayedAddress,
  type StunAttribute,
  type StunMessage,
  type TurnEvent,
} from '../src/index.js';

const relayed = { family: 'IPv4', address: '198.51.100.1', port: 50000 } as const;
const mapped = { family: 'IPv4', address: '203.0.113.5', port: 40000 } as const;
const peer = { family: 'IPv4', address: '192.0.2.99', port: 7000 } as const;

/** A scripted TURN server: answers requests per RFC 8656 with a long-term credential. */
class FakeServer {
  nonce = 'n1';
  staleOnce = false;
  offerSha256 = false;
  corruptNextSuccess = false;
  readonly seen: StunMessage[] = [];
  private key(alg: 'MD5' | 'SHA-256') {
    return longTermKey('u', 'test', 'p', alg);
  }
  answer(bytes: Uint8Array): Uint8Array | undefined {
    const req = decodeMessage(bytes);
    this.seen.push(req);
    if (req.messageClass !== StunClass.Request) return undefined;
    const reply = (cls: 2 | 3, attributes: StunAttribute[], key?: Uint8Array) =>
      encodeMessage({ method: req.method, messageClass: cls, transactionId: req.transactionId, attributes }, { messageIntegrity: key });
    if (!req.has(MessageIntegrity)) {
      const attrs: StunAttribute[] = [attr(ErrorCode, { code: 401, reason: 'Unauthorized' }), attr(Realm, 'test'), attr(Nonce, this.nonce)];
      if (this.offerSha256) {
        attrs.push(attr(PasswordAlgorithms, [
          { algorithm: PasswordAlgorithmId.SHA256, parameters: new Uint8Array() },
          { algorithm: PasswordAlgorithmId.MD5, parameters: new Uint8Array() },
        ]));
      }
      return reply(3, attrs);
    }
    const alg = req.get(PasswordAlgorithm)?.algorithm === PasswordAlgorithmId.SHA256 ? 'SHA-256' : 'MD5';
    const key = this.key(alg);
    req.verifyIntegrity(key);
    expect(req.get(Username)).toBe('u');
    if (this.staleOnce) {
      this.staleOnce = false;
      this.nonce = 'n2';
      return reply(3, [attr(ErrorCode, { code: 438, reason: 'Stale Nonce' }), attr(Realm, 'test'), attr(Nonce, this.nonce)]);
    }
    expect(req.get(Nonce)).toBe(this.nonce);
    let attrs: StunAttribute[] = [];
    if (req.method === StunMethod.Allocate) {
      expect(req.get(RequestedTransport)).toBe(17);
      attrs = [attr(XorRelayedAddress, relayed), attr(XorMappedAddress, mapped), attr(Lifetime, req.get(Lifetime) ?? 600)];
    } else if (req.method === StunMethod.Refresh) {
      attrs = [attr(Lifetime, req.get(Lifetime) ?? 600)];
    }
    const out = reply(2, attrs, key);
    if (this.corruptNextSuccess) {
      this.corruptNextSuccess = false;
      out[out.length - 1]! ^= 1;
    }
    return out;
  }
}

function harness(options: { lifetime?: number } = {}) {
  const server = new FakeServer();
  const client = new TurnClient({ username: 'u', password: 'p', ...options });
  const events: TurnEvent[] = [];
  const exchange = (now: number, lose = false) => {
    for (let i = 0; i < 20; i++) {
      const d = client.pollTransmit();
      if (!d) break;
      const r = lose ? undefined : server.answer(d);
      if (r) client.handleIncoming(r, now);
    }
    for (let e = client.pollEvent(); e; e = client.pollEvent()) events.push(e);
  };
  return { server, client, events, exchange };
}

describe('TurnClient (sans-IO, scripted server)', () => {
  it('allocates after 401 with MD5 long-term credentials', () => {
    const { client, events, exchange, server } = harness();
    const id = client.allocate(0);
    exchange(0);
    expect(events).toEqual([{ type: 'allocated', id, relayed, mapped, lifetime: 600 }]);
    expect(client.state).toBe('allocated');
    expect(client.stats.authRetries).toBe(1);
    expect(server.seen.length).toBe(2);
  });
  it('uses SHA-256 and echoes PASSWORD-ALGORITHMS when the server offers it', () => {
    const { client, events, exchange, server } = harness();
    server.offerSha256 = true;
    client.allocate(0);
    exchange(0);
    expect(events[0]?.type).toBe('allocated');
    const second = server.seen[1]!;
    expect(second.get(PasswordAlgorithm)?.algorithm).toBe(PasswordAlgorithmId.SHA256);
    expect(second.get(PasswordAlgorithms)?.map((a) => a.algorithm)).toEqual([2, 1]);
  });
  it('retries 438 with the new nonce', () => {
    const { client, events, exchange, server } = harness();
    client.allocate(0);
    exchange(0);
    server.staleOnce = true;
    client.refresh(1000, 700);
    exchange(1000);
    expect(events[1]).toMatchObject({ type: 'refreshed', lifetime: 700 });
    expect(client.stats.staleNonceRetries).toBe(1);
    expect(server.seen.at(-1)!.get(Nonce)).toBe('n2');
  });
  it('rejects a success response whose MESSAGE-INTEGRITY does not verify', () => {
    const { client, events, exchange, server } = harness();
    client.allocate(0);
    server.corruptNextSuccess = true;
    exchange(0);
    expect(events[0]).toMatchObject({ type: 'error', operation: 'allocate' });
    expect((events[0] as { error: { code: string } }).error.code).toBe('BAD_INTEGRITY');
    expect(client.state).toBe('idle');
  });
  it('times out with TIMEOUT when the server is silent', () => {
    const { client, events, exchange } = harness();
    client.allocate(0);
    let now = 0;
    while (!events.length) {
      exchange(now, true);
      now = client.nextTimeout() ?? now;
      client.handleTimeout(now);
      exchange(now, true);
    }
    expect(now).toBe(39_500);
    expect((events[0] as { error: { code: string } }).error.code).toBe('TIMEOUT');
  });
  it('schedules refreshes: allocation at lifetime-60 s, permission at 240 s, channel at 540 s', () => {
    const { client, events, exchange, server } = harness();
    client.allocate(0);
    exchange(0);
    client.createPermission(0, peer);
    exchange(0);
    expect(client.nextTimeout()).toBe(240_000);
    client.handleTimeout(240_000);
    exchange(240_000);
    expect(events.at(-1)).toMatchObject({ type: 'permission-created', automatic: true, peers: ['192.0.2.99'] });
    client.bindChannel(300_000, peer);
    exchange(300_000);
    expect(events.at(-1)).toMatchObject({ type: 'channel-bound', channelNumber: 0x4000, automatic: false });
    expect(client.nextTimeout()).toBe(540_000); // allocation (600-60) and the permission (300+240)
    client.handleTimeout(540_000);
    exchange(540_000);
    const kinds = events.slice(-2).map((e) => e.type).sort();
    expect(kinds).toEqual(['permission-created', 'refreshed']);
    expect(client.nextTimeout()).toBe(780_000); // permission again (540+240)
    client.handleTimeout(840_000);
    exchange(840_000);
    const last = server.seen.filter((m) => m.method === StunMethod.ChannelBind).at(-1)!;
    expect(last.get(ChannelNumber)).toBe(0x4000);
    expect(events.some((e) => e.type === 'channel-bound' && e.automatic)).toBe(true);
  });
  it('sends Send indications before ChannelBind and ChannelData after; receives both; drops junk', () => {
    const { client, exchange, events, server } = harness();
    client.allocate(0);
    exchange(0);
    client.createPermission(0, peer);
    exchange(0);
    client.send(peer, Uint8Array.of(1, 2, 3));
    const ind = decodeMessage(client.pollTransmit()!);
    expect(ind.method).toBe(StunMethod.Send);
    expect(ind.messageClass).toBe(StunClass.Indication);
    expect(ind.get(XorPeerAddress)).toEqual(peer);
    expect([...ind.get(Data)!]).toEqual([1, 2, 3]);
    client.bindChannel(0, peer);
    exchange(0);
    client.send(peer, Uint8Array.of(4, 5));
    expect([...client.pollTransmit()!]).toEqual([0x40, 0x00, 0x00, 0x02, 4, 5]);
    events.length = 0;
    client.handleIncoming(
      encodeMessage({ method: StunMethod.Data, messageClass: StunClass.Indication, attributes: [attr(XorPeerAddress, peer), attr(Data, Uint8Array.of(9))] }),
      1,
    );
    client.handleIncoming(encodeChannelData(0x4000, Uint8Array.of(8, 7)), 1);
    client.handleIncoming(encodeChannelData(0x4001, Uint8Array.of(6)), 1); // unbound channel
    client.handleIncoming(Uint8Array.of(0x40, 0, 0, 9), 1); // bad length
    client.handleIncoming(Uint8Array.of(0xff, 1, 2), 1); // garbage
    client.handleIncoming(encodeMessage({ method: StunMethod.Data, messageClass: StunClass.Indication }), 1); // no DATA
    exchange(1);
    expect(events.map((e) => e.type === 'data' && [[...e.data], e.channelNumber])).toEqual([
      [[9], undefined],
      [[8, 7], 0x4000],
    ]);
    expect(client.stats.dropped).toBe(4);
    expect(server.seen.length).toBeGreaterThan(0);
  });
  it('deallocates with LIFETIME 0 and returns to idle', () => {
    const { client, events, exchange, server } = harness();
    client.allocate(0);
    exchange(0);
    const id = client.deallocate(10);
    exchange(10);
    expect(server.seen.at(-1)!.get(Lifetime)).toBe(0);
    expect(events.at(-1)).toEqual({ type: 'deallocated', id });
    expect(client.state).toBe('idle');
    expect(client.nextTimeout()).toBeUndefined();
    expect(() => client.send(peer, new Uint8Array(1))).toThrowError(expect.objectContaining({ code: 'INVALID_STATE' }));
  });
});
