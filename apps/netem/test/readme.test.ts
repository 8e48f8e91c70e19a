/** The README's examples, run as written (with loopback peers made here). */
import dgram from 'node:dgram';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ImpairmentScheduler, startTcpRelay, startUdpRelay, startUdpRelayPair } from '../src/index.js';

async function udp(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return s;
}
const closeUdp = (s: dgram.Socket) => new Promise<void>((resolve) => s.close(() => resolve()));
const nextMessage = (s: dgram.Socket) =>
  new Promise<[Buffer, dgram.RemoteInfo]>((resolve) => s.once('message', (m, r) => resolve([m, r])));

describe('README examples', () => {
  it('the core, without sockets', () => {
    const link = new ImpairmentScheduler({ loss: 0.01, delayMs: 25, jitterMs: 5, rateBitsPerSecond: 10e6, seed: 7 });
    const r = link.schedule(1200, 0);
    expect(r.copies).toBe(1);
    expect(r.deliverAt[0]).toBeGreaterThanOrEqual(20 + 0.96);
    expect(r.deliverAt[0]).toBeLessThanOrEqual(30 + 0.96);
    expect(link.counters.packets).toBe(1);
  });

  it('a UDP relay in front of one target', async () => {
    const server = await udp();
    const socket = await udp();
    const serverPort = server.address().port;
    const relay = await startUdpRelay({
      target: { address: '127.0.0.1', port: serverPort },
      model: { loss: 0, delayMs: 10, jitterMs: 2, seed: 1 },
    });
    const got = nextMessage(server);
    socket.send(Buffer.from('data'), relay.port, relay.address);
    expect((await got)[0].toString()).toBe('data');
    expect(relay.stats.aToB.forwarded).toBe(1);
    await relay.close();
    await closeUdp(server);
    await closeUdp(socket);
  });

  it('between two peers, ICE-style, and cutting one direction', async () => {
    const a = await udp();
    const b = await udp();
    const relay = await startUdpRelayPair({
      a: { address: '127.0.0.1', port: a.address().port },
      b: { address: '127.0.0.1', port: b.address().port },
      model: { aToB: { delayMs: 25, loss: 0 }, bToA: { delayMs: 25, loss: 0 } },
    });
    const atB = nextMessage(b);
    a.send('to B', relay.addressForA.port, relay.addressForA.address);
    const [msg, from] = await atB;
    expect(msg.toString()).toBe('to B');
    expect(from.port).toBe(relay.addressForB.port);
    relay.setModel('aToB', { loss: 1 });
    a.send('lost', relay.addressForA.port, relay.addressForA.address);
    while (relay.stats.aToB.received < 2) await new Promise((r) => setTimeout(r, 5));
    expect(relay.stats.aToB.droppedLoss).toBe(1);
    await relay.close();
    await closeUdp(a);
    await closeUdp(b);
  });

  it('TCP over the same path', async () => {
    const srv = net.createServer((s) => s.pipe(s));
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const tcpServerPort = (srv.address() as net.AddressInfo).port;
    const relay = await startTcpRelay({
      target: { address: '127.0.0.1', port: tcpServerPort },
      model: { delayMs: 25, loss: 0.01, seed: 1 },
      tcp: { congestionControl: 'reno' },
    });
    const socket = net.connect(relay.port, relay.address);
    const echoed = new Promise<string>((resolve) => socket.once('data', (d) => resolve(d.toString())));
    socket.write('hello');
    expect(await echoed).toBe('hello');
    socket.destroy();
    await relay.close();
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  });
});
