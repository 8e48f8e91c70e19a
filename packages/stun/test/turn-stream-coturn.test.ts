/** TURN over TCP and TLS to a real coturn (RFC 8656 §3.1); the relay itself stays UDP. */
import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  StunError,
  TurnTcpClient,
  TurnTlsClient,
  type TransportAddress,
  type TurnClientAdapter,
} from '../src/index.js';
import { haveCoturn, startStreamCoturn, type StreamCoturn } from './coturn.js';

const ci = process.env.CI === 'true';
if (!haveCoturn && ci) {
  describe('coturn', () => {
    it('is installed under CI', () => {
      throw new Error('/usr/bin/turnserver missing: CI must install coturn');
    });
  });
}

// Sizes that are and are not multiples of 4: ChannelData on a stream carries padding (§12.5).
const sizes = [1, 2, 3, 4, 99, 500, 1199, 1200];
const payload = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Waits until `pred` holds, polling the event loop (no timing assertion: the test timeout bounds it). */
async function until(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((r) => setTimeout(r, 5));
}

describe.skipIf(!haveCoturn)('TURN over TCP and TLS against coturn on loopback', () => {
  let coturn: StreamCoturn;
  let peer: dgram.Socket;
  let peerAddr: TransportAddress;
  const atPeer: { data: Buffer; from: string }[] = [];

  beforeAll(async () => {
    coturn = await startStreamCoturn();
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

  const transports: Array<[string, (password?: string) => Promise<TurnClientAdapter>]> = [
    ['TCP', (password = 'p') => TurnTcpClient.connect({ server: { address: '127.0.0.1', port: coturn.port }, username: 'u', password })],
    [
      'TLS',
      (password = 'p') =>
        TurnTlsClient.connect({ server: { address: '127.0.0.1', port: coturn.tlsPort }, username: 'u', password, ca: coturn.ca }),
    ],
  ];

  describe.each(transports)('over %s', (_name, connect) => {
    it('allocates after the 401 challenge and relays both ways, by Send/Data indications and by ChannelData', async () => {
      const client = await connect();
      const received: { data: Uint8Array; peer: TransportAddress; channel: number | undefined }[] = [];
      client.onData((data, p, channel) => received.push({ data: Uint8Array.from(data), peer: p, channel }));
      atPeer.length = 0;
      try {
        const alloc = await client.allocate();
        expect(client.stats.authRetries).toBe(1);
        expect(alloc.relayed.address).toBe('127.0.0.1');
        // XOR-MAPPED-ADDRESS is the client's end of the TCP connection as the server saw it.
        expect(alloc.mapped).toEqual(client.localAddress);
        expect(alloc.lifetime).toBeGreaterThan(0);
        const relayed = `${alloc.relayed.address}:${alloc.relayed.port}`;

        await client.createPermission(peerAddr);
        for (const [i, n] of sizes.entries()) peer.send(payload(n, i), alloc.relayed.port, '127.0.0.1');
        await until(() => received.length === sizes.length);
        for (const [i, n] of sizes.entries()) {
          expect(received[i]!.channel).toBeUndefined();
          expect(received[i]!.peer).toEqual(peerAddr);
          expect(hex(received[i]!.data)).toBe(hex(payload(n, i)));
        }
        for (const [i, n] of sizes.entries()) client.send(peerAddr, payload(n, 100 + i));
        await until(() => atPeer.length === sizes.length);
        for (const [i, n] of sizes.entries()) {
          expect(atPeer[i]!.from).toBe(relayed);
          expect(hex(atPeer[i]!.data)).toBe(hex(payload(n, 100 + i)));
        }

        expect(await client.bindChannel(peerAddr)).toBe(0x4000);
        received.length = 0;
        atPeer.length = 0;
        for (const [i, n] of sizes.entries()) peer.send(payload(n, 200 + i), alloc.relayed.port, '127.0.0.1');
        await until(() => received.length === sizes.length);
        for (const [i, n] of sizes.entries()) {
          expect(received[i]!.channel).toBe(0x4000);
          // The padding coturn adds on the stream is not part of the data.
          expect(hex(received[i]!.data)).toBe(hex(payload(n, 200 + i)));
        }
        // Ours go out padded; the peer gets exactly the bytes, without the padding.
        for (const [i, n] of sizes.entries()) client.send(peerAddr, payload(n, 300 + i));
        await until(() => atPeer.length === sizes.length);
        for (const [i, n] of sizes.entries()) {
          expect(atPeer[i]!.from).toBe(relayed);
          expect(hex(atPeer[i]!.data)).toBe(hex(payload(n, 300 + i)));
        }

        // A burst: many frames per TCP segment and frames split across reads, all intact.
        received.length = 0;
        atPeer.length = 0;
        const burst = Array.from({ length: 60 }, (_, i) => payload(1 + ((i * 97) % 1200), 400 + i));
        for (const b of burst) peer.send(b, alloc.relayed.port, '127.0.0.1');
        await until(() => received.length === burst.length);
        expect(received.map((r) => hex(r.data)).sort()).toEqual(burst.map(hex).sort());
        const pipe = client.transportTo(peerAddr);
        for (const b of burst) pipe.send(b);
        await until(() => atPeer.length === burst.length);
        expect(atPeer.map((r) => hex(r.data)).sort()).toEqual(burst.map(hex).sort());
        pipe.close();
        expect(client.stats.dropped).toBe(0);
      } finally {
        await client.close();
      }
    });

    it('a wrong password fails with a typed 401 error', async () => {
      const client = await connect('wrong');
      try {
        const err = await client.allocate().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StunError);
        expect((err as StunError).errorCode).toBe(401);
      } finally {
        await client.close();
      }
    });
  });

  it('TLS refuses a server whose certificate it does not trust', async () => {
    const err = await TurnTlsClient.connect({
      server: { address: '127.0.0.1', port: coturn.tlsPort },
      username: 'u',
      password: 'p',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StunError);
    expect((err as StunError).code).toBe('CLOSED');
  });
});

describe('TURN over a stream to a server that breaks the framing', () => {
  it('garbage from the server fails the pending operation with a typed error and closes the connection', async () => {
    const serverClosed: Promise<void>[] = [];
    const server = net.createServer((s) => {
      s.once('data', () => s.write(Uint8Array.from([0x80, 1, 2, 3, 4, 5, 6, 7])));
      s.on('error', () => undefined);
      serverClosed.push(new Promise((r) => s.on('close', () => r())));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const client = await TurnTcpClient.connect({ server: { address: '127.0.0.1', port }, username: 'u', password: 'p' });
      const reported: StunError[] = [];
      client.onError((e) => reported.push(e));
      const err = await client.allocate().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StunError);
      expect((err as StunError).code).toBe('NOT_STUN');
      expect(reported.map((e) => e.code)).toEqual(['NOT_STUN']);
      expect(client.stats.dropped).toBe(1);
      // The connection is gone (the server sees it close) and the client rejects further operations.
      await Promise.all(serverClosed);
      await expect(client.createPermission({ family: 'IPv4', address: '127.0.0.1', port: 9 })).rejects.toMatchObject({ code: 'CLOSED' });
      await client.close();
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
