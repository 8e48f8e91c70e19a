import { createSocket, type Socket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { ChunkType, SctpTransport, decodePacket, type DataChannel, type DatagramTransport } from '../src/index.js';
import { SimNetwork, recorder } from './helpers/sim.js';

function connected(opts = {}) {
  const ra = recorder();
  const rb = recorder();
  const net = new SimNetwork([ra, rb], {}, opts);
  net.ends[0].connect(0);
  expect(net.runUntil(() => net.ends[0].state === 'established' && net.ends[1].state === 'established')).toBe(true);
  return { net, a: net.ends[0], b: net.ends[1], ra, rb };
}

describe('graceful shutdown (§9.2)', () => {
  it('sends queued data first, then SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE; both end closed', () => {
    const { net, a, b, ra, rb } = connected();
    const seen: number[] = [];
    net.tap = (bytes) => {
      for (const c of decodePacket(bytes).chunks) if (c.type >= ChunkType.SHUTDOWN && c.type !== ChunkType.ERROR) seen.push(c.type);
      return bytes;
    };
    for (let i = 0; i < 10; i++) a.send(1, 53, new Uint8Array(3000).fill(i));
    a.shutdown(net.now);
    expect(() => a.send(1, 53, new Uint8Array(1))).toThrow();
    net.runUntil(() => a.state === 'closed' && b.state === 'closed');
    expect(rb.messages.length).toBe(10);
    expect(seen).toEqual([ChunkType.SHUTDOWN, ChunkType.SHUTDOWN_ACK, ChunkType.SHUTDOWN_COMPLETE]);
    expect(ra.states).toContain('shutdown-sent');
    expect(rb.states).toContain('shutdown-ack-sent');
    expect(ra.closed).toBe('shutdown');
    expect(rb.closed).toBe('shutdown');
  });
});

describe('HEARTBEAT (§8.3)', () => {
  it('an idle association sends HEARTBEATs, the peer echoes them, and RTT feeds the RTO', () => {
    const { net, a, ra } = connected({ heartbeatInterval: 1000 });
    let hb = 0;
    let acks = 0;
    net.tap = (bytes, from) => {
      for (const c of decodePacket(bytes).chunks) {
        if (from === 0 && c.type === ChunkType.HEARTBEAT) hb++;
        if (from === 1 && c.type === ChunkType.HEARTBEAT_ACK) acks++;
      }
      return bytes;
    };
    a.send(0, 51, new Uint8Array([1]));
    net.runUntil(() => false, net.now + 5500);
    expect(hb).toBeGreaterThanOrEqual(4);
    expect(acks).toBe(hb);
    expect(ra.closed).toBeUndefined();
  });

  it('a peer that stops answering is declared unreachable after Association.Max.Retrans', () => {
    const { net, a, ra } = connected({ heartbeatInterval: 1000, maxRetransmissions: 3 });
    a.send(0, 51, new Uint8Array([1]));
    net.runUntil(() => false, net.now + 100);
    net.tap = () => undefined;
    net.runUntil(() => a.state === 'closed', net.now + 60_000);
    expect(ra.closed).toBe('peer unreachable');
  });

  it('unacknowledged DATA fails the association after Association.Max.Retrans T3 expiries', () => {
    const { net, a, ra } = connected({ maxRetransmissions: 2 });
    net.tap = (bytes, from) => (from === 0 ? undefined : bytes);
    a.send(0, 51, new Uint8Array(100));
    net.runUntil(() => a.state === 'closed', 600_000);
    expect(ra.closed).toBe('too many retransmissions');
    expect(a.stats.t3Expiries).toBe(3);
  });
});

describe('SctpTransport over real UDP sockets on 127.0.0.1', () => {
  it('opens a data channel, moves 2 MB both ways, closes the channel, then the association', async () => {
    const open = () =>
      new Promise<Socket>((r) => {
        const s = createSocket('udp4');
        s.bind(0, '127.0.0.1', () => r(s));
      });
    const [sa, sb] = [await open(), await open()];
    const pipe = (from: Socket, to: Socket): DatagramTransport => {
      const port = to.address().port;
      return { send: (d) => from.send(d, port, '127.0.0.1'), onData: (cb) => from.on('message', (m) => cb(m)), close: () => from.close() };
    };
    const client = new SctpTransport(pipe(sa, sb), { role: 'client' });
    const server = new SctpTransport(pipe(sb, sa), { role: 'server' });
    try {
      const remote = new Promise<DataChannel>((r) => server.on('datachannel', r));
      client.connect();
      server.connect();
      await Promise.all([client.established(), server.established()]);
      const ch = client.createDataChannel('udp', { protocol: 'p' });
      await new Promise<void>((r) => ch.once('open', () => r()));
      const chunk = new Uint8Array(64 * 1024).map((_, i) => i & 0xff);
      let got = 0;
      const rc = await (ch.send('start'), remote);
      const done = new Promise<void>((r) =>
        rc.on('message', (m) => {
          if (typeof m !== 'string') {
            expect(Buffer.compare(m, chunk)).toBe(0);
            got += m.length;
            if (got === 32 * chunk.length) r();
          }
        }),
      );
      for (let i = 0; i < 32; i++) ch.send(chunk);
      await done;
      const echo = new Promise<string | Uint8Array>((r) => ch.once('message', r));
      rc.send('back');
      expect(await echo).toBe('back');
      const closed = Promise.all([new Promise((r) => ch.once('close', () => r(0))), new Promise((r) => rc.once('close', () => r(0)))]);
      ch.close();
      await closed;
      expect(client.stats.packetsDropped).toBe(0);
    } finally {
      client.close();
      server.close();
    }
  });
});
