// Interop with Pion (pion/sctp + pion/datachannel from Debian's golang-github-pion-* packages),
// built on the fly in GOPATH mode with no downloads, over UDP on 127.0.0.1. Skips locally when Go or
// the Pion sources are missing; fails under CI=true.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SctpTransport, type DataChannel } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const pionSources = '/usr/share/gocode/src/github.com/pion/sctp';
const haveGo = (() => {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return existsSync(pionSources);
  } catch {
    return false;
  }
})();
if (!haveGo && process.env.CI === 'true') throw new Error('Go and golang-github-pion-webrtc.v3-dev are required on CI');

let binary = '';
let buildDir = '';

function bind(port = 0): Promise<Socket> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(port, '127.0.0.1', () => resolve(s));
  });
}

async function freePort(): Promise<number> {
  const s = await bind();
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe.skipIf(!haveGo)('interop with Pion (pion/sctp, pion/datachannel)', () => {
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'pion-sctp-'));
    buildDir = dir;
    binary = join(dir, 'pion-echo');
    execFileSync('go', ['build', '-o', binary, join(here, 'peers', 'pion-echo.go')], {
      env: { ...process.env, GOPATH: `${dir}:/usr/share/gocode`, GO111MODULE: 'off', GOPROXY: 'off', GOFLAGS: '', GOCACHE: join(tmpdir(), 'pion-sctp-gocache') },
      stdio: 'pipe',
    });
  }, 120_000);

  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill();
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  it.each([
    ['', {}],
    [' (Path MTU Discovery on: HEARTBEAT + PAD probes go to Pion, DATA never exceeds what was confirmed)', { maxMtu: 16000, pmtuProbeTimeout: 200 }],
  ])('Pion connects; DCEP both ways; strings, binary, empty and 250 KB messages echo back; closing our channel resets it on both sides%s', async (_, pmtud) => {
    const sock = await bind();
    const theirPort = await freePort();
    const ours = new SctpTransport(
      {
        send: (d) => sock.send(d, theirPort, '127.0.0.1'),
        onData: (cb) => sock.on('message', (m) => cb(m)),
        close: () => sock.close(),
      },
      { role: 'client', ...pmtud },
    );
    // As in a browser, the message listener goes on inside the datachannel handler.
    const hello = new Promise<string | Uint8Array>((resolveHello) => ours.on('datachannel', (ch) => ch.once('message', resolveHello)));
    const fromPion = new Promise<DataChannel>((r) => ours.on('datachannel', r));
    child = spawn(binary, [String(theirPort), String(sock.address().port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    try {
      ours.connect(); // both sides send INIT, as in WebRTC
      await withTimeout(ours.established(), 10_000, () => log);
      const theirs = await withTimeout(fromPion, 10_000, () => log);
      expect(theirs.label).toBe('from-pion');
      expect(theirs.protocol).toBe('p');
      expect(theirs.id).toBe(1);
      expect(await withTimeout(hello, 10_000, () => log)).toBe('hello from pion');

      const ch = ours.createDataChannel('echo');
      await new Promise<void>((r) => ch.once('open', () => r()));
      expect(ch.id % 2).toBe(0);
      const big = new Uint8Array(250_000).map((_, i) => (i * 7) & 0xff);
      const sent: (string | Uint8Array)[] = ['text', Uint8Array.of(1, 2, 3), '', big, 'ünïcødé ✓'];
      const echoed: (string | Uint8Array)[] = [];
      const all = new Promise<void>((r) =>
        ch.on('message', (m) => {
          echoed.push(m);
          if (echoed.length === sent.length) r();
        }),
      );
      for (const m of sent) ch.send(m);
      await withTimeout(all, 15_000, () => log);
      expect(echoed[0]).toBe('text');
      expect([...(echoed[1] as Uint8Array)]).toEqual([1, 2, 3]);
      expect(echoed[2]).toBe('');
      expect(Buffer.compare(echoed[3] as Uint8Array, big)).toBe(0);
      expect(echoed[4]).toBe('ünïcødé ✓');

      const closed = new Promise<void>((r) => ch.once('close', () => r()));
      ch.close();
      await withTimeout(closed, 10_000, () => log);
      expect(theirs.readyState).toBe('open'); // the other channel is untouched
      expect(ours.stats.packetsDropped).toBe(0);
      expect(ours.association.pathMtu).toBeLessThanOrEqual((pmtud as { maxMtu?: number }).maxMtu ?? 1200);
    } finally {
      ours.close();
      child.kill();
    }
  });
});

function withTimeout<T>(p: Promise<T>, ms: number, log: () => string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`timed out; Pion said:\n${log()}`)), ms);
    }),
  ]);
}
