/** The TCP relay on real loopback sockets: bytes arrive exact, slower, and nothing is left open. */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NetemError, startTcpRelay } from '../src/index.js';
import type { TcpRelay } from '../src/index.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A loopback server that answers each connection with `onConnection`. */
async function server(onConnection: (s: net.Socket) => void): Promise<net.Server> {
  const srv = net.createServer({ allowHalfOpen: true }, onConnection);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => srv.close(() => resolve())));
  return srv;
}

async function relayOf(p: Promise<TcpRelay>): Promise<TcpRelay> {
  const r = await p;
  cleanup.push(() => r.close());
  return r;
}

const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;
const settle = () => new Promise((r) => setTimeout(r, 20));
const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;

/** Connects, writes `data`, ends, and collects everything the other side sends until it ends. */
function exchange(port: number, data: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const c = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => c.end(data));
    c.on('data', (d: Buffer) => chunks.push(d));
    c.on('end', () => {
      c.destroy();
      resolve(Buffer.concat(chunks));
    });
    c.on('error', reject);
  });
}

/** Server: hashes what it gets; at the end answers with the byte count and SHA-256. */
const hashingServer = () => server((s) => {
  const h = createHash('sha256');
  let n = 0;
  s.on('data', (d: Buffer) => {
    h.update(d);
    n += d.length;
  });
  s.on('end', () => s.end(`${n} ${h.digest('hex')}`));
  s.on('error', () => undefined);
});

describe('startTcpRelay', () => {
  it('carries 2 MiB bit-exact through 1 % emulated loss, both directions', async () => {
    const target = await hashingServer();
    const relay = await relayOf(startTcpRelay({
      target: { address: '127.0.0.1', port: portOf(target) },
      model: { delayMs: 5, loss: 0.01, seed: 99 },
    }));
    const data = randomBytes(2 * 1024 * 1024);
    const answer = (await exchange(relay.port, data)).toString();
    expect(answer).toBe(`${data.length} ${createHash('sha256').update(data).digest('hex')}`);
    expect(relay.stats.connections).toBe(1);
    expect(relay.stats.aToB.receivedBytes).toBe(data.length);
    expect(relay.stats.aToB.deliveredBytes).toBe(data.length);
    expect(relay.stats.aToB.lostSegments).toBeGreaterThan(0); // ~1 % of ~1450 segments
    expect(relay.stats.aToB.fastRetransmits + relay.stats.aToB.timeouts).toBeGreaterThan(0);
    expect(relay.stats.bToA.deliveredBytes).toBe(answer.length);
    expect(relay.stats.aToB.queuedBytes).toBe(0);
  });

  it('a round trip takes at least both delays (lower bound only)', async () => {
    const echo = await server((s) => {
      s.on('data', (d) => s.write(d));
      s.on('end', () => s.end());
    });
    const relay = await relayOf(startTcpRelay({
      target: { address: '127.0.0.1', port: portOf(echo) },
      model: { aToB: { delayMs: 30 }, bToA: { delayMs: 20 } },
    }));
    const c = net.connect(relay.port, '127.0.0.1');
    cleanup.push(async () => { c.destroy(); });
    await new Promise<void>((resolve) => c.once('connect', () => resolve()));
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      const back = new Promise<void>((resolve) => c.once('data', () => resolve()));
      c.write('ping');
      await back;
      expect(performance.now() - start).toBeGreaterThanOrEqual(49);
    }
  });

  it('a rate limit slows the stream to the link rate (lower bound only)', async () => {
    const target = await hashingServer();
    const relay = await relayOf(startTcpRelay({
      target: { address: '127.0.0.1', port: portOf(target) },
      model: { rateBitsPerSecond: 4e6, delayMs: 1 }, // 500 kB/s
    }));
    const data = randomBytes(256 * 1024);
    const start = performance.now();
    const answer = (await exchange(relay.port, data)).toString();
    expect(answer.startsWith(`${data.length} `)).toBe(true);
    expect(performance.now() - start).toBeGreaterThanOrEqual(((data.length * 8) / 4e6) * 1000 * 0.95);
  });

  it('a target that stops reading stops the client too; nothing is lost when it resumes', async () => {
    let paused: net.Socket | undefined;
    const h = createHash('sha256');
    let n = 0;
    const target = await server((s) => {
      paused = s;
      s.pause();
      s.on('data', (d: Buffer) => {
        h.update(d);
        n += d.length;
      });
      s.on('end', () => s.end(`${n} ${h.digest('hex')}`));
    });
    const relay = await relayOf(startTcpRelay({ target: { address: '127.0.0.1', port: portOf(target) }, model: { delayMs: 1 } }));
    const data = randomBytes(16 * 1024 * 1024);
    const answer = exchange(relay.port, data);
    await new Promise((r) => setTimeout(r, 500));
    // Held: the relay read only what its high-water mark, the window and the kernel buffers allow.
    expect(relay.stats.aToB.receivedBytes).toBeLessThan(12 * 1024 * 1024);
    expect(paused).toBeDefined();
    paused!.resume();
    expect((await answer).toString()).toBe(`${data.length} ${createHash('sha256').update(data).digest('hex')}`);
  });

  it('a refused target closes the client and is counted', async () => {
    const closed = await server(() => undefined);
    const port = portOf(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    cleanup.pop();
    const relay = await relayOf(startTcpRelay({ target: { address: '127.0.0.1', port } }));
    const c = net.connect(relay.port, '127.0.0.1');
    c.on('error', () => undefined);
    await new Promise<void>((resolve) => c.once('close', () => resolve()));
    expect(relay.stats.failedConnections).toBe(1);
  });

  it('close leaves no TCP handle behind, even mid-transfer', async () => {
    await settle();
    const before = tcpHandles();
    const sink = net.createServer((s) => s.on('error', () => undefined));
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const relay = await startTcpRelay({ target: { address: '127.0.0.1', port: portOf(sink) }, model: { delayMs: 10_000 } });
    const c = net.connect(relay.port, '127.0.0.1');
    c.on('error', () => undefined);
    c.write(randomBytes(100_000));
    while (relay.stats.aToB.receivedBytes < 100_000) await settle();
    await relay.close();
    await relay.close();
    c.destroy();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
    await settle();
    expect(tcpHandles()).toBe(before);
  });

  it('refuses bad targets and options', async () => {
    await expect(startTcpRelay({ target: { address: 'example.org', port: 80 } })).rejects.toBeInstanceOf(NetemError);
    await expect(startTcpRelay({ target: { address: '127.0.0.1', port: 9 }, tcp: { mss: 0 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(startTcpRelay({ target: { address: '127.0.0.1', port: 9 }, model: { delayMs: -1 } })).rejects.toMatchObject({ code: 'INVALID_MODEL' });
  });
});
