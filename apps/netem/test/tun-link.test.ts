/**
 * The TUN link between two network namespaces (root, /dev/net/tun, Go): real kernel TCP and UDP
 * cross it, and what it does to many packets (loss, bursts, duplication, delay, rate) falls in
 * the model's ranges, with bounds wide enough (±5σ) that a correct link does not fail them.
 * Skips without root or Go locally; fails under CI=true.
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startTunLink, tunLinkUnavailable, type TunLink, type TunLinkOptions } from '../src/index.js';

const unavailable = tunLinkUnavailable();
if (unavailable !== undefined && process.env['CI'] === 'true') throw new Error(`the TUN link cannot be made under CI: ${unavailable}`);

const links: TunLink[] = [];
afterEach(async () => {
  for (const link of links.splice(0)) await link.close();
});

async function link(options: TunLinkOptions): Promise<TunLink> {
  const l = await startTunLink(options);
  links.push(l);
  return l;
}

/** Runs a CommonJS `script` with node inside one side's namespace; resolves with its stdout. */
function node(l: TunLink, side: 'a' | 'b', script: string, args: string[] = []): Promise<string> {
  const [command, ...rest] = l.command(side, [process.execPath, '-e', script, ...args]);
  return new Promise((resolve, reject) => {
    const child = spawn(command!, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`node in ${side} exited ${String(code)}: ${err}`))));
  });
}

/** TCP receiver on B: prints bytes, sha256, and the ms between the first and the last byte. */
const tcpReceiver = `
const net = require('net'), crypto = require('crypto');
const server = net.createServer((s) => {
  const h = crypto.createHash('sha256'); let n = 0, first = 0, last = 0;
  s.on('data', (d) => { const t = performance.now(); if (!n) first = t; last = t; n += d.length; h.update(d); });
  s.on('end', () => { console.log(JSON.stringify({ bytes: n, sha256: h.digest('hex'), ms: last - first })); process.exit(0); });
});
server.listen(5001, process.argv[1], () => console.log('listening'));
`;

/** TCP sender on A: `bytes` of seeded pseudo-random data, prints its sha256. */
const tcpSender = `
const net = require('net'), crypto = require('crypto');
const data = Buffer.alloc(Number(process.argv[2]));
let x = 12345; for (let i = 0; i < data.length; i++) { x = (x * 1103515245 + 12345) >>> 0; data[i] = x >>> 24; }
const connect = () => { const s = net.connect(5001, process.argv[1]);
  s.on('error', () => setTimeout(connect, 100));
  s.on('connect', () => s.end(data, () => console.log(crypto.createHash('sha256').update(data).digest('hex')))); };
connect();
`;

async function tcpTransfer(l: TunLink, bytes: number): Promise<{ sent: string; received: { bytes: number; sha256: string; ms: number } }> {
  const receiver = node(l, 'b', tcpReceiver, [l.addressB]);
  // The sender retries its connect until the receiver listens.
  const sent = (await node(l, 'a', tcpSender, [l.addressB, String(bytes)])).trim();
  const lines = (await receiver).trim().split('\n');
  return { sent, received: JSON.parse(lines[lines.length - 1]!) as { bytes: number; sha256: string; ms: number } };
}

/**
 * UDP from A to B: `count` datagrams carrying a sequence number and the send time; B prints, per
 * sequence number, how many copies arrived, and the smallest and median one-way delay.
 */
async function udpRun(l: TunLink, count: number): Promise<{ copies: number[]; minMs: number; medianMs: number }> {
  const receiver = node(l, 'b', `
const dgram = require('dgram');
const count = Number(process.argv[2]);
const copies = new Array(count).fill(0); const delays = [];
const s = dgram.createSocket('udp4');
s.on('message', (m) => {
  if (m.length < 12) return;
  const seq = m.readUInt32BE(0); copies[seq]++;
  delays.push(performance.timeOrigin + performance.now() - m.readDoubleBE(4));
  if (seq === count - 1 || m.toString('latin1', 12, 16) === 'DONE') finish();
});
let timer;
const finish = () => { clearTimeout(timer); timer = setTimeout(() => {
  delays.sort((a, b) => a - b);
  console.log(JSON.stringify({ copies, minMs: delays[0], medianMs: delays[delays.length >> 1] })); process.exit(0); }, 1500); };
s.bind(5002, process.argv[1], () => { s.setRecvBufferSize(8 << 20); console.log('listening'); });
setTimeout(finish, 60000);
`, [l.addressB, String(count)]);
  await new Promise((r) => setTimeout(r, 500));
  await node(l, 'a', `
const dgram = require('dgram');
const [to, count] = [process.argv[1], Number(process.argv[2])];
const s = dgram.createSocket('udp4');
let seq = 0;
// 20 datagrams per ms at most: the kernel's queues are not what is measured.
const tick = () => {
  for (let i = 0; i < 20 && seq < count; i++, seq++) {
    const m = Buffer.alloc(200); m.writeUInt32BE(seq, 0); m.writeDoubleBE(performance.timeOrigin + performance.now(), 4);
    s.send(m, 5002, to);
  }
  if (seq < count) setTimeout(tick, 1); else setTimeout(() => s.close(), 200);
};
tick();
`, [l.addressB, String(count)]);
  // Copies still in flight reach B before it prints (1.5 s after the last sequence number).
  const lines = (await receiver).trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as { copies: number[]; minMs: number; medianMs: number };
}

describe.skipIf(unavailable !== undefined)('TUN link between two namespaces', () => {
  it('carries a kernel TCP transfer bit-exact, both ways of the handshake crossing the impaired link', async () => {
    const l = await link({ model: { delayMs: 10, loss: 0.01, seed: 3 } });
    const { sent, received } = await tcpTransfer(l, 4 * 1024 * 1024);
    expect(received.bytes).toBe(4 * 1024 * 1024);
    expect(received.sha256).toBe(sent);
    const final = await l.close();
    // Data went A→B in MTU-sized IP packets; ACKs came back B→A; 1 % of them were dropped each way.
    expect(final!.aToB.bytes / final!.aToB.packets).toBeGreaterThan(1000);
    expect(final!.aToB.droppedLoss).toBeGreaterThan(0);
    expect(final!.bToA.packets).toBeGreaterThan(0);
  }, 60_000);

  it('loses, duplicates and delays UDP datagrams at the model\'s rates', async () => {
    const count = 4000;
    const l = await link({ model: { delayMs: 20, loss: 0.1, duplicate: 0.05, seed: 5 } });
    const r = await udpRun(l, count);
    const lost = r.copies.filter((c) => c === 0).length;
    const arrived = r.copies.filter((c) => c > 0).length;
    const doubled = r.copies.filter((c) => c === 2).length;
    // ±5σ of a binomial: 10 % ± 2.4 % lost, 5 % ± 1.7 % of the rest doubled.
    expect(lost / count).toBeGreaterThan(0.076);
    expect(lost / count).toBeLessThan(0.124);
    expect(doubled / arrived).toBeGreaterThan(0.033);
    expect(doubled / arrived).toBeLessThan(0.067);
    expect(Math.max(...r.copies)).toBeLessThanOrEqual(2);
    // Nothing arrives before the link's delay (1 ms for the clock's and the kernel's rounding).
    expect(r.minMs).toBeGreaterThanOrEqual(19);
    expect(r.medianMs).toBeGreaterThanOrEqual(20);
    const final = await l.close();
    expect(final!.aToB.droppedLoss).toBeGreaterThanOrEqual(lost - 5);
  }, 60_000);

  it('loses in bursts under Gilbert–Elliott', async () => {
    const count = 6000;
    // Long-run loss p / (p + r) = 0.01 / 0.26 ≈ 3.8 %, mean burst 1 / r = 4 packets.
    const l = await link({ model: { burstLoss: { p: 0.01, r: 0.25 }, seed: 7 } });
    const r = await udpRun(l, count);
    const runs: number[] = [];
    let current = 0;
    for (const c of r.copies) {
      if (c === 0) current++;
      else if (current > 0) {
        runs.push(current);
        current = 0;
      }
    }
    const lost = runs.reduce((a, b) => a + b, 0);
    expect(lost / count).toBeGreaterThan(0.01);
    expect(lost / count).toBeLessThan(0.08);
    // Independent loss at this rate would give runs of ~1.04 packets.
    expect(lost / runs.length).toBeGreaterThan(2);
  }, 60_000);

  it('holds TCP to the rate limit', async () => {
    const rate = 8_000_000;
    const l = await link({ model: { rateBitsPerSecond: rate, queueBytes: 20_000, delayMs: 5, seed: 9 } });
    const { sent, received } = await tcpTransfer(l, 3 * 1024 * 1024);
    expect(received.sha256).toBe(sent);
    // The receiver cannot get more than the link serializes (IP packets are larger than their payload).
    expect(received.bytes / (received.ms / 1000)).toBeLessThan((rate / 8) * 1.02);
    const final = await l.close();
    expect(final!.aToB.maxQueueBytes).toBeLessThanOrEqual(20_000);
  }, 60_000);

  it('leaves no namespace behind', async () => {
    const l = await startTunLink({});
    const listed = () => spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    expect(listed()).toContain(l.namespaceA);
    await l.close();
    expect(listed()).not.toContain(l.namespaceA);
    expect(listed()).not.toContain(l.namespaceB);
  }, 30_000);
});
