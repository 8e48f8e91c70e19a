// Helper process of the scale figure: the clients, all ours, each peer connection with its own UDP
// socket on 127.0.0.1. Offers a data channel per connection, takes the server's answer, and once
// asked, sends one small message per connection per second (spread evenly over the second) and
// times each echo.
import { serveHelper } from './helper-process.js';
import { importPeerConnection } from '../peers/ours.js';
import { loopbackOnlySdp } from '../peers/stack.js';
import type { StandardChannel, W3CPeer } from '../peers/w3c.js';

/** Echo round trips of one run. */
export interface EchoResult {
  sent: number;
  received: number;
  /** Round-trip times in ms. */
  p50: number;
  p99: number;
  max: number;
}

interface Client {
  pc: W3CPeer;
  channel: StandardChannel;
  /** Called with each message's data. */
  onData: (data: ArrayBuffer) => void;
}

const clients = new Map<number, Client>();
let make: (() => W3CPeer) | undefined;

function gathered(pc: W3CPeer): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.onicecandidate = (e: { candidate?: { candidate?: string } | null }) => {
      if (!e.candidate || !e.candidate.candidate) resolve();
    };
  });
}

function opened(ch: StandardChannel): Promise<void> {
  if (ch.readyState === 'open') return Promise.resolve();
  return new Promise((resolve) => (ch.onopen = () => resolve()));
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

// Nothing thrown out of a stack's event handler may end the run; it is said (BENCH_VERBOSE shows it).
process.on('uncaughtException', (error) => process.stderr.write(`bench: scale-client: uncaught: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`));
process.on('unhandledRejection', (error) => process.stderr.write(`bench: scale-client: unhandled: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`));

serveHelper({
  start: async () => {
    const { PeerConnectionFactory } = await importPeerConnection<{ PeerConnectionFactory: new (d: object) => { createPeerConnection(c: object): W3CPeer } }>();
    const factory = new PeerConnectionFactory({ ice: { includeLoopback: true, ipv6: false, ipFilter: (a: string) => a === '127.0.0.1' } });
    make = () => factory.createPeerConnection({});
    return process.pid;
  },
  /** A new connection's offer, its candidates inside. */
  offer: async (id: number) => {
    const pc = make!();
    const channel = pc.createDataChannel('scale', { ordered: true }) as StandardChannel;
    channel.binaryType = 'arraybuffer';
    const client: Client = { pc, channel, onData: () => undefined };
    channel.onmessage = (e) => client.onData(e.data as ArrayBuffer);
    clients.set(id, client);
    const done = gathered(pc);
    await pc.setLocalDescription(await pc.createOffer());
    await done;
    return loopbackOnlySdp(pc.localDescription!.sdp);
  },
  /** Takes the answer; resolves once the channel is open and a first message came back (open at both ends). */
  accept: async ({ id, sdp }: { id: number; sdp: string }) => {
    const { pc, channel } = clients.get(id)!;
    const echoed = new Promise<void>((resolve) => (clients.get(id)!.onData = () => resolve()));
    await pc.setRemoteDescription({ type: 'answer', sdp });
    await opened(channel);
    channel.send(new Uint8Array(16));
    await echoed;
    clients.get(id)!.onData = () => undefined;
  },
  /** One 16-byte message per connection per second for `seconds`, spread evenly; round-trip times. */
  echo: async ({ seconds }: { seconds: number }): Promise<EchoResult> => {
    const all = [...clients.values()];
    const n = all.length;
    const times = new Float64Array(n * seconds + n);
    let received = 0;
    for (const c of all) {
      c.onData = (data) => {
        if (received < times.length) times[received++] = performance.now() - new Float64Array(data, 0, 1)[0]!;
      };
    }
    const total = n * seconds;
    const start = performance.now();
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * n));
        for (; sent < due; sent++) {
          const payload = new Float64Array(2);
          payload[0] = performance.now();
          all[sent % n]!.channel.send(new Uint8Array(payload.buffer));
        }
        if (sent >= total) {
          clearInterval(tick);
          resolve();
        }
      }, 10);
    });
    // Echoes still in flight get two seconds; one that takes longer counts as lost.
    for (let i = 0; i < 200 && received < sent; i++) await new Promise((r) => setTimeout(r, 10));
    for (const c of all) c.onData = () => undefined;
    const sorted = times.slice(0, received).sort();
    return { sent, received, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: quantile(sorted, 1) };
  },
  /** process.cpuUsage() user + system, µs. */
  cpu: () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  },
  close: async (id: number) => {
    const c = clients.get(id);
    clients.delete(id);
    await c?.pc.close();
  },
  stop: async () => {
    await Promise.all([...clients.values()].map(async (c) => c.pc.close()));
    clients.clear();
  },
});
