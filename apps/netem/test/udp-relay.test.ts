/** The UDP relay on real loopback sockets. Timing is only checked loosely (lower bounds). */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ImpairmentScheduler, NetemError, startUdpRelay, startUdpRelayPair } from '../src/index.js';
import type { UdpRelay } from '../src/index.js';

const open: (dgram.Socket | UdpRelay)[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) {
    if ('stats' in s) await s.close();
    else await new Promise<void>((resolve) => { try { s.close(() => resolve()); } catch { resolve(); } });
  }
});

async function socket(address = '127.0.0.1'): Promise<dgram.Socket> {
  const s = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
  open.push(s);
  await new Promise<void>((resolve) => s.bind(0, address, resolve));
  s.setRecvBufferSize(4 * 1024 * 1024);
  s.setSendBufferSize(4 * 1024 * 1024);
  return s;
}

async function relayOf(p: Promise<UdpRelay>): Promise<UdpRelay> {
  const r = await p;
  open.push(r);
  return r;
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Handles leave node's active list a tick after their close callback. */
const settle = () => new Promise((r) => setTimeout(r, 20));
const udpHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;

describe('startUdpRelay (target mode)', () => {
  it('10 000 datagrams at 10 % loss: the seeded ~90 % arrive, none early', async () => {
    const sink = await socket();
    const client = await socket();
    const model = { loss: 0.1, delayMs: 5, seed: 77 };
    const relay = await relayOf(startUdpRelay({ target: { address: '127.0.0.1', port: sink.address().port }, model }));
    const latencies: number[] = [];
    const seen = new Set<number>();
    sink.on('message', (msg: Buffer) => {
      latencies.push(performance.now() - msg.readDoubleLE(4));
      seen.add(msg.readUInt32LE(0));
    });
    const n = 10_000;
    for (let i = 0; i < n; i++) {
      const msg = Buffer.alloc(64);
      msg.writeUInt32LE(i, 0);
      msg.writeDoubleLE(performance.now(), 4);
      client.send(msg, relay.port, relay.address);
      // Paced: sender, relay and sink share this one thread on a shared machine; a flood would only
      // measure the kernel's socket queues.
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 5));
    }
    const leg = relay.stats.aToB;
    await until(() => leg.received === n && leg.queuedPackets === 0 && latencies.length === leg.forwarded, 'delivery');

    // The relay's drops are exactly what the core decides for this seed.
    const offline = new ImpairmentScheduler(model);
    let expectedLost = 0;
    for (let i = 0; i < n; i++) if (offline.schedule(64, i).copies === 0) expectedLost++;
    expect(leg.droppedLoss).toBe(expectedLost);
    expect(leg.forwarded).toBe(n - expectedLost);
    expect(latencies.length).toBe(n - expectedLost);
    expect(seen.size).toBe(n - expectedLost);
    expect(latencies.length / n).toBeGreaterThan(0.88);
    expect(latencies.length / n).toBeLessThan(0.92);
    expect(leg.dropped).toBe(expectedLost);
    expect(leg.queuedBytes).toBe(0);
    // Never delivered before its delay (0.5 ms timer slack plus clock rounding).
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(4);
  });

  it('holds each datagram for its delay ± jitter (loosely: never early, not absurdly late)', async () => {
    const sink = await socket();
    const client = await socket();
    const relay = await relayOf(startUdpRelay({
      target: { address: '127.0.0.1', port: sink.address().port },
      model: { delayMs: 40, jitterMs: 10, seed: 5 },
    }));
    const latencies: number[] = [];
    sink.on('message', (msg: Buffer) => latencies.push(performance.now() - msg.readDoubleLE(0)));
    for (let i = 0; i < 100; i++) {
      const msg = Buffer.alloc(8);
      msg.writeDoubleLE(performance.now(), 0);
      client.send(msg, relay.port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 1));
    }
    await until(() => latencies.length === 100, 'all 100');
    latencies.sort((a, b) => a - b);
    expect(latencies[0]).toBeGreaterThanOrEqual(29);
    expect(latencies[50]).toBeGreaterThanOrEqual(35);
    expect(latencies[50]).toBeLessThan(1000); // the machine is shared: an upper bound only catches nonsense
  });

  it('answers from the target come back to the client from the relay port', async () => {
    const server = await socket();
    const client = await socket();
    server.on('message', (msg: Buffer, rinfo) => server.send(Buffer.concat([Buffer.from('re:'), msg]), rinfo.port, rinfo.address));
    const relay = await relayOf(startUdpRelay({ target: { address: '127.0.0.1', port: server.address().port }, model: { delayMs: 2 } }));
    const reply = new Promise<[string, dgram.RemoteInfo]>((resolve) => client.once('message', (m, r) => resolve([m.toString(), r])));
    client.send('ping', relay.port, '127.0.0.1');
    const [text, from] = await reply;
    expect(text).toBe('re:ping');
    expect(from.port).toBe(relay.port);
    expect(relay.stats.aToB.forwarded).toBe(1);
    expect(relay.stats.bToA.forwarded).toBe(1);
  });

  it('a rate limit spreads a burst out (lower bound only)', async () => {
    const sink = await socket();
    const client = await socket();
    const relay = await relayOf(startUdpRelay({
      target: { address: '127.0.0.1', port: sink.address().port },
      model: { rateBitsPerSecond: 1e6, queueBytes: 1e6 }, // 1250-byte datagrams: 10 ms each
    }));
    let got = 0;
    sink.on('message', () => got++);
    const start = performance.now();
    for (let i = 0; i < 20; i++) client.send(Buffer.alloc(1250), relay.port, '127.0.0.1');
    await until(() => got === 20, 'the burst');
    expect(performance.now() - start).toBeGreaterThanOrEqual(190);
  });

  it('works over IPv6 loopback', async () => {
    const sink = await socket('::1');
    const client = await socket('::1');
    const relay = await relayOf(startUdpRelay({ target: { address: '::1', port: sink.address().port }, model: { duplicate: 1 } }));
    expect(relay.address).toBe('::1');
    let got = 0;
    sink.on('message', () => got++);
    client.send('x', relay.port, '::1');
    await until(() => got === 2, 'two copies');
    expect(relay.stats.aToB.duplicated).toBe(1);
  });

  it('a target that is not listening costs send errors, not a crash', async () => {
    const gone = await socket();
    const port = gone.address().port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const client = await socket();
    const relay = await relayOf(startUdpRelay({ target: { address: '127.0.0.1', port } }));
    for (let i = 0; i < 5; i++) {
      client.send('x', relay.port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 10)); // let each ICMP port-unreachable come back
    }
    await until(() => relay.stats.aToB.sendErrors > 0, 'a send error');
    expect(relay.stats.aToB.received).toBe(5);
  });

  it('refuses bad targets and models', async () => {
    await expect(startUdpRelay({ target: { address: 'localhost', port: 1 } })).rejects.toBeInstanceOf(NetemError);
    await expect(startUdpRelay({ target: { address: '127.0.0.1', port: 0 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(startUdpRelay({ target: { address: '127.0.0.1', port: 9 }, model: { loss: 2 } })).rejects.toMatchObject({ code: 'INVALID_MODEL' });
  });
});

describe('startUdpRelayPair (symmetric, ICE-style)', () => {
  it('each side sees the relay address standing in for the other, both ways, per-direction models', async () => {
    const a = await socket();
    const b = await socket();
    const relay = await relayOf(startUdpRelayPair({
      a: { address: '127.0.0.1', port: a.address().port },
      b: { address: '127.0.0.1', port: b.address().port },
      model: { aToB: { delayMs: 1 }, bToA: { duplicate: 1 } },
    }));
    // B answers whoever wrote to it, as an ICE agent answers a check.
    b.on('message', (msg: Buffer, rinfo) => b.send(msg, rinfo.port, rinfo.address));
    const fromB: dgram.RemoteInfo[] = [];
    a.on('message', (_m, rinfo) => fromB.push(rinfo));
    const atB = new Promise<dgram.RemoteInfo>((resolve) => b.once('message', (_m, r) => resolve(r)));
    a.send('check', relay.addressForA.port, relay.addressForA.address);
    expect((await atB).port).toBe(relay.addressForB.port);
    await until(() => fromB.length === 2, 'the duplicated answer');
    expect(fromB.every((r) => r.port === relay.addressForA.port)).toBe(true);
    expect(relay.stats.bToA.duplicated).toBe(1);
    // B can also start: it only knows relay.addressForB as A's address.
    const atA = new Promise<string>((resolve) => a.once('message', (m) => resolve(m.toString())));
    fromB.length = 0;
    b.send('hello', relay.addressForB.port, relay.addressForB.address);
    expect(await atA).toBe('hello');
  });

  it('learns endpoints it was not given; until then it counts noRoute', async () => {
    const a = await socket();
    const b = await socket();
    const relay = await relayOf(startUdpRelayPair());
    let atB = 0;
    b.on('message', () => atB++);
    a.send('lost', relay.addressForA.port, '127.0.0.1');
    await until(() => relay.stats.aToB.noRoute === 1, 'noRoute');
    b.send('here', relay.addressForB.port, '127.0.0.1'); // B is learned; A was learned from 'lost'
    const atA = new Promise<string>((resolve) => a.once('message', (m) => resolve(m.toString())));
    expect(await atA).toBe('here');
    a.send('now', relay.addressForA.port, '127.0.0.1');
    await until(() => atB === 1, 'delivery to B');
    expect(relay.stats.aToB.dropped).toBe(1);
  });

  it('close frees both sockets and the timer, and drops what waits', async () => {
    await settle();
    const handlesBefore = udpHandles();
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const sink = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
    const relay = await startUdpRelayPair({ b: { address: '127.0.0.1', port: sink.address().port }, model: { delayMs: 10_000 } });
    const ports = [relay.addressForA.port, relay.addressForB.port];
    const client = dgram.createSocket('udp4');
    client.send('waits', relay.port, '127.0.0.1');
    await until(() => relay.stats.aToB.queuedPackets === 1, 'queued');
    expect(udpHandles()).toBe(handlesBefore + 4);
    await relay.close();
    await relay.close(); // twice is fine
    await new Promise<void>((resolve) => client.close(() => resolve()));
    await new Promise<void>((resolve) => sink.close(() => resolve()));
    await settle();
    expect(udpHandles()).toBe(handlesBefore);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(timersBefore);
    expect(relay.stats.aToB.queuedPackets).toBe(0);
    for (const port of ports) {
      const again = dgram.createSocket('udp4');
      await new Promise<void>((resolve, reject) => { again.once('error', reject); again.bind(port, '127.0.0.1', resolve); });
      await new Promise<void>((resolve) => again.close(() => resolve()));
    }
  });
});
