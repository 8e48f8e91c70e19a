import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StunError, TurnClient, TurnUdpClient, type TransportAddress } from '../src/index.js';
import { withUncaught } from '@x/testing';
import { haveCoturn, startCoturn, type Coturn } from './coturn.js';

const ci = process.env.CI === 'true';
if (!haveCoturn && ci) {
  describe('coturn', () => {
    it('is installed under CI', () => {
      throw new Error('/usr/bin/turnserver missing: CI must install coturn');
    });
  });
}

const sizes = [1, 4, 99, 500, 1200];
const payload = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

/** Waits until `pred` holds, polling the event loop (no timing assertion: the test timeout bounds it). */
async function until(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((r) => setTimeout(r, 5));
}

describe.skipIf(!haveCoturn)('TURN client against coturn on loopback', () => {
  let coturn: Coturn;
  let peer: dgram.Socket;
  let peerAddr: TransportAddress;
  const atPeer: { data: Buffer; from: string }[] = [];

  beforeAll(async () => {
    coturn = await startCoturn();
    peer = dgram.createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    peer.setRecvBufferSize(1 << 20);
    peer.on('message', (data, r) => atPeer.push({ data, from: `${r.address}:${r.port}` }));
    peerAddr = { family: 'IPv4', address: '127.0.0.1', port: peer.address().port };
  });
  afterAll(async () => {
    peer?.close();
    await coturn?.stop();
  });

  const connect = (password = 'p') =>
    TurnUdpClient.connect({ server: { address: '127.0.0.1', port: coturn.port }, username: 'u', password, software: 'x-stun test' });

  it('allocates after the 401 challenge; relays both ways with Send/Data indications, then ChannelData', async () => {
    const client = await connect();
    const received: { data: Uint8Array; peer: TransportAddress; channel: number | undefined }[] = [];
    client.onData((data, p, channel) => received.push({ data: Uint8Array.from(data), peer: p, channel }));
    try {
      const alloc = await client.allocate();
      expect(client.stats.authRetries).toBe(1);
      expect(alloc.relayed.address).toBe('127.0.0.1');
      expect(alloc.mapped).toEqual(client.localAddress);
      expect(alloc.lifetime).toBeGreaterThan(0);
      const relayed = `${alloc.relayed.address}:${alloc.relayed.port}`;

      await client.createPermission(peerAddr);
      // peer -> client through Data indications
      for (const [i, n] of sizes.entries()) peer.send(payload(n, i), alloc.relayed.port, '127.0.0.1');
      await until(() => received.length === sizes.length);
      for (const [i, n] of sizes.entries()) {
        expect(received[i]!.channel).toBeUndefined();
        expect(received[i]!.peer).toEqual(peerAddr);
        expect(Buffer.from(received[i]!.data).equals(Buffer.from(payload(n, i)))).toBe(true);
      }
      // client -> peer through Send indications
      for (const [i, n] of sizes.entries()) client.send(peerAddr, payload(n, 100 + i));
      await until(() => atPeer.length === sizes.length);
      for (const [i, n] of sizes.entries()) {
        expect(atPeer[i]!.from).toBe(relayed);
        expect(atPeer[i]!.data.equals(Buffer.from(payload(n, 100 + i)))).toBe(true);
      }

      // ChannelBind, then both directions over ChannelData
      const channel = await client.bindChannel(peerAddr);
      expect(channel).toBe(0x4000);
      expect(client.core.channelOf(peerAddr)).toBe(0x4000);
      received.length = 0;
      atPeer.length = 0;
      for (const [i, n] of sizes.entries()) peer.send(payload(n, 200 + i), alloc.relayed.port, '127.0.0.1');
      await until(() => received.length === sizes.length);
      for (const [i, n] of sizes.entries()) {
        expect(received[i]!.channel).toBe(0x4000);
        expect(Buffer.from(received[i]!.data).equals(Buffer.from(payload(n, 200 + i)))).toBe(true);
      }
      for (const [i, n] of sizes.entries()) client.send(peerAddr, payload(n, 300 + i));
      await until(() => atPeer.length === sizes.length);
      for (const [i, n] of sizes.entries()) {
        expect(atPeer[i]!.from).toBe(relayed);
        expect(atPeer[i]!.data.equals(Buffer.from(payload(n, 300 + i)))).toBe(true);
      }
      // refresh the channel binding and the permission explicitly: both succeed
      expect(await client.bindChannel(peerAddr)).toBe(0x4000);
      await client.createPermission(peerAddr);

      // The same path as a DatagramTransport (what DTLS would run over), both ways.
      const pipe = client.transportTo(peerAddr);
      const viaPipe: Buffer[] = [];
      pipe.onData((d) => viaPipe.push(Buffer.from(d)));
      atPeer.length = 0;
      pipe.send(payload(1200, 9));
      await until(() => atPeer.length === 1);
      expect(atPeer[0]!.data.equals(Buffer.from(payload(1200, 9)))).toBe(true);
      peer.send(payload(1000, 10), alloc.relayed.port, '127.0.0.1');
      await until(() => viaPipe.length === 1);
      expect(viaPipe[0]!.equals(Buffer.from(payload(1000, 10)))).toBe(true);
      pipe.close();
      expect(client.stats.dropped).toBe(0);
    } finally {
      await client.close();
    }
  });

  it("a throwing onData handler: the next handler and later data still arrive; the exception reaches uncaughtException (@x/base's rule)", async () => {
    const client = await connect();
    try {
      await withUncaught(async (uncaught) => {
        const boom = new Error('data handler bug');
        const off = client.onData(() => {
          throw boom;
        });
        const received: number[] = [];
        client.onData((data) => received.push(data.length));
        const alloc = await client.allocate();
        await client.createPermission(peerAddr);
        peer.send(payload(10, 1), alloc.relayed.port, '127.0.0.1');
        peer.send(payload(20, 2), alloc.relayed.port, '127.0.0.1');
        await until(() => received.length === 2);
        expect(received).toEqual([10, 20]);
        off();
        await new Promise((r) => setImmediate(r));
        expect(uncaught).toEqual([boom, boom]);
        // The client still works: a refresh round trip succeeds.
        expect(await client.refresh()).toBeGreaterThan(0);
      });
    } finally {
      await client.close();
    }
  });

  it('refreshes, deallocates (Refresh LIFETIME 0) and can allocate again on the same 5-tuple', async () => {
    const client = await connect();
    try {
      await client.allocate();
      expect(await client.refresh(700)).toBe(700);
      expect(await client.refresh(0)).toBe(0);
      expect(client.core.state).toBe('idle');
      // Had the server kept the allocation (refreshed to 700 s above), a new Allocate from this
      // 5-tuple would get 437 until the test times out. coturn frees the session a moment after
      // the zero-lifetime Refresh, so 437 is the only error tolerated while waiting.
      for (;;) {
        try {
          const again = await client.allocate();
          expect(again.relayed.address).toBe('127.0.0.1');
          break;
        } catch (e) {
          expect((e as StunError).errorCode).toBe(437);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    } finally {
      await client.close();
    }
  });

  it('a wrong password fails with a typed 401 error', async () => {
    const client = await connect('wrong');
    try {
      const err = await client.allocate().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StunError);
      expect((err as StunError).code).toBe('ERROR_RESPONSE');
      expect((err as StunError).errorCode).toBe(401);
      expect(client.core.state).toBe('idle');
    } finally {
      await client.close();
    }
  });

  it('refreshes the allocation, permissions and channels automatically before expiry (simulated clock)', async () => {
    // Drive the sans-IO core by hand against the real server; only the clock is simulated.
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const core = new TurnClient({ username: 'u', password: 'p', lifetime: 600 });
    const events: string[] = [];
    sock.on('message', (d) => core.handleIncoming(d, now));
    let now = 0;
    const pump = async (want: string) => {
      for (;;) {
        for (let d = core.pollTransmit(); d; d = core.pollTransmit()) sock.send(d, coturn.port, '127.0.0.1');
        for (let e = core.pollEvent(); e; e = core.pollEvent()) {
          events.push(e.type === 'error' ? `error:${e.error.message}` : e.type);
        }
        if (events.includes(want)) return;
        if (events.some((e) => e.startsWith('error'))) throw new Error(events.join(','));
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    try {
      core.allocate(now);
      await pump('allocated');
      core.bindChannel(now, peerAddr);
      await pump('channel-bound');
      events.length = 0;
      // 540 s later: allocation (600 s, refreshed at 540 s) and the channel (540 s) are due,
      // and the permission (240 s) too.
      now = 540_000;
      expect(core.nextTimeout()).toBeLessThanOrEqual(now);
      core.handleTimeout(now);
      await pump('refreshed');
      await pump('channel-bound');
      await pump('permission-created');
      expect(core.state).toBe('allocated');
      expect(core.nextTimeout()).toBeGreaterThan(now);
      core.deallocate(now);
      await pump('deallocated');
    } finally {
      core.close();
      sock.close();
    }
  });

  it('IPv6: allocates an IPv6 relay on ::1 and relays to an IPv6 peer both ways', async () => {
    const v6 = await startCoturn([], '::1');
    const peer6 = dgram.createSocket({ type: 'udp6', ipv6Only: true });
    await new Promise<void>((r) => peer6.bind(0, '::1', () => r()));
    const got: Buffer[] = [];
    peer6.on('message', (d) => got.push(d));
    const peer6Addr = { family: 'IPv6', address: '::1', port: peer6.address().port } as const;
    const client = await TurnUdpClient.connect({
      server: { address: '::1', port: v6.port },
      username: 'u',
      password: 'p',
      requestedAddressFamily: 'IPv6',
    });
    const received: Uint8Array[] = [];
    client.onData((d) => received.push(Uint8Array.from(d)));
    try {
      const alloc = await client.allocate();
      expect(alloc.relayed.family).toBe('IPv6');
      expect(alloc.relayed.address).toBe('::1');
      expect(alloc.mapped).toEqual(client.localAddress);
      await client.bindChannel(peer6Addr);
      const data = payload(1200, 7);
      client.send(peer6Addr, data);
      await until(() => got.length === 1);
      expect(got[0]!.equals(Buffer.from(data))).toBe(true);
      peer6.send(data, alloc.relayed.port, '::1');
      await until(() => received.length === 1);
      expect(Buffer.from(received[0]!).equals(Buffer.from(data))).toBe(true);
    } finally {
      await client.close();
      peer6.close();
      await v6.stop();
    }
  });

  it('retries after 438 Stale Nonce with the new nonce', async () => {
    const stale = await startCoturn(['--stale-nonce=1']);
    const client = await TurnUdpClient.connect({ server: { address: '127.0.0.1', port: stale.port }, username: 'u', password: 'p' });
    try {
      await client.allocate();
      await new Promise((r) => setTimeout(r, 2100)); // let the nonce go stale (server side)
      expect(await client.refresh(600)).toBeGreaterThan(0);
      expect(client.stats.staleNonceRetries).toBeGreaterThanOrEqual(1);
    } finally {
      await client.close();
      await stale.stop();
    }
  });
});
