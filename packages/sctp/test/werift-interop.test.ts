// Interop with an independent implementation: werift's SCTP (TypeScript, a port of aiortc's), from
// apps/bench's dependencies, connected in memory. Skips locally when werift is absent; fails on CI.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SctpTransport, type DataChannel } from '../src/index.js';

interface WeriftSctp {
  start(port?: number): Promise<void>;
  send(sid: number, ppid: number, data: Buffer, opts?: object): Promise<void>;
  stop(): Promise<void>;
  state: string;
  stateChanged: { connected: { subscribe(cb: () => void): void } };
  onReceive: { subscribe(cb: (sid: number, ppid: number, data: Buffer) => void): void };
  onReconfigStreams: { subscribe(cb: (streams: number[]) => void): void };
}
interface WeriftModule {
  SCTP: { client(t: unknown, port?: number): WeriftSctp; server(t: unknown, port?: number): WeriftSctp };
}

function loadWerift(): WeriftModule | undefined {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    const req = createRequire(join(here, '..', '..', '..', 'apps', 'bench', 'package.json'));
    return req(join(dirname(req.resolve('werift')), '..', '..', 'sctp', 'src', 'index.js')) as WeriftModule;
  } catch {
    return undefined;
  }
}

const werift = loadWerift();
if (!werift && process.env.CI === 'true') throw new Error('werift is required on CI (apps/bench dependency)');

function link(m: WeriftModule, weriftIsClient: boolean) {
  let toOurs: ((d: Uint8Array) => void) | undefined;
  const theirTransport: { onData?: (b: Buffer) => void; send(b: Buffer): Promise<void>; close(): void } = {
    send: async (b) => {
      const copy = new Uint8Array(b);
      setImmediate(() => toOurs?.(copy));
    },
    close: () => undefined,
  };
  const theirs = weriftIsClient ? m.SCTP.client(theirTransport) : m.SCTP.server(theirTransport);
  const ours = new SctpTransport(
    {
      send: (d) => {
        const copy = Buffer.from(d);
        setImmediate(() => theirTransport.onData?.(copy));
      },
      onData: (cb) => (toOurs = cb),
      close: () => undefined,
    },
    { role: weriftIsClient ? 'server' : 'client' },
  );
  return { ours, theirs };
}

async function up(m: WeriftModule, weriftIsClient: boolean) {
  const { ours, theirs } = link(m, weriftIsClient);
  const connected = new Promise<void>((r) => theirs.stateChanged.connected.subscribe(() => r()));
  if (!weriftIsClient) ours.connect();
  await theirs.start(5000);
  await Promise.all([connected, ours.established()]);
  return { ours, theirs };
}

describe.skipIf(!werift)('interop with werift SCTP', () => {
  for (const weriftIsClient of [true, false]) {
    it(`handshake (${weriftIsClient ? 'werift' : 'we'} send INIT) and messages both ways, up to 200 KB`, async () => {
      const { ours, theirs } = await up(werift!, weriftIsClient);
      try {
        const got: Buffer[] = [];
        theirs.onReceive.subscribe((sid, ppid, data) => {
          expect(sid).toBe(2);
          expect(ppid).toBe(53);
          got.push(Buffer.from(data));
        });
        const ch = ours.createDataChannel('x', { negotiated: true, id: 2 });
        await new Promise((r) => setImmediate(r));
        const sizes = [1, 1000, 1200, 5000, 65536, 200_000];
        for (const [i, s] of sizes.entries()) ch.send(new Uint8Array(s).fill(i + 1));
        await until(() => got.length === sizes.length);
        got.forEach((g, i) => {
          expect(g.length).toBe(sizes[i]);
          expect(g.every((b) => b === i + 1)).toBe(true);
        });
        const back: (string | Uint8Array)[] = [];
        ch.on('message', (m) => back.push(m));
        await theirs.send(2, 51, Buffer.from('hello from werift'));
        await theirs.send(2, 53, Buffer.alloc(100_000, 0xab));
        await until(() => back.length === 2);
        expect(back[0]).toBe('hello from werift');
        expect((back[1] as Uint8Array).length).toBe(100_000);
        expect(ours.stats.packetsDropped).toBe(0);
      } finally {
        ours.close();
        await theirs.stop().catch(() => undefined);
      }
    });
  }

  it('our stream reset is performed by werift, which resets its own direction back', async () => {
    const { ours, theirs } = await up(werift!, false);
    try {
      const resets: number[][] = [];
      theirs.onReconfigStreams.subscribe((s) => resets.push(s));
      const ch: DataChannel = ours.createDataChannel('y', { negotiated: true, id: 4 });
      await new Promise((r) => setImmediate(r));
      ch.send('before close');
      await theirs.send(4, 51, Buffer.from('so werift has an outbound stream 4'));
      let closed = false;
      ch.on('close', () => (closed = true));
      await new Promise((r) => setTimeout(r, 50));
      ch.close();
      await until(() => closed);
      expect(resets.flat()).toContain(4);
      expect(ch.readyState).toBe('closed');
    } finally {
      ours.close();
      await theirs.stop().catch(() => undefined);
    }
  });
});

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
