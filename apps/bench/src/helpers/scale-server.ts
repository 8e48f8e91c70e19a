// Helper process of the scale figure: the server. `node scale-server.js <stack>` answers offers
// with connections of one stack, every one echoing what arrives on its data channel: ours from one
// PeerConnectionFactory on one IceUdpMux (one UDP socket on 127.0.0.1 for every connection),
// libwebrtc (@roamhq/wrtc) and werift with their own sockets per connection. It measures itself:
// memory after GC, open file descriptors, CPU time.
import { readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { serveHelper } from './helper-process.js';
import { importPeerConnection } from '../peers/ours.js';
import { loopbackOnlySdp } from '../peers/stack.js';
import { weriftLoopbackConfig } from '../peers/werift.js';
import type { W3CPeer } from '../peers/w3c.js';
import { settle } from '../gc-settle.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- each stack has its own class names for the same W3C shapes */

/** What the server process reports about itself. */
export interface ServerSample {
  /** Bytes, after GC. */
  rss: number;
  heap: number;
  /** Entries of /proc/self/fd. */
  fds: number;
  /** process.cpuUsage() user + system, µs. */
  cpuMicros: number;
  /** Connections open now. */
  connections: number;
}

interface EchoChannel {
  binaryType?: string;
  onmessage: ((e: { data: any }) => void) | null | undefined;
  send(data: any): void;
}

type Make = () => W3CPeer;

const stackName = process.argv[2] ?? 'ours';
/** Ours only: the factory's connections are ICE-lite (they answer checks and send none). */
const lite = process.argv.includes('--lite');
const connections = new Map<number, W3CPeer>();
let make: Make | undefined;
let closeAll: () => Promise<void> = async () => undefined;
let profiler: Session | undefined;

/** GC pauses since the last `gcPauses` request: a long one stops the mux socket being read. */
let gc = { count: 0, totalMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++;
    gc.totalMs += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
  }
}).observe({ entryTypes: ['gc'] });

async function load(): Promise<Make> {
  switch (stackName) {
    case 'ours': {
      const { PeerConnectionFactory } = await importPeerConnection<{ PeerConnectionFactory: new (d: object) => { createPeerConnection(c: object): W3CPeer; udpMux?: { ready: Promise<void>; close(): void } } }>();
      const factory = new PeerConnectionFactory({ ice: { udpMux: { address: '127.0.0.1', port: 0 }, lite } });
      await factory.udpMux!.ready;
      closeAll = async () => factory.udpMux!.close();
      return () => factory.createPeerConnection({});
    }
    case 'libwebrtc': {
      const wrtc = createRequire(import.meta.url)('@roamhq/wrtc') as { RTCPeerConnection: new (c: object) => W3CPeer };
      return () => new wrtc.RTCPeerConnection({ iceServers: [] });
    }
    case 'werift': {
      const { RTCPeerConnection } = (await import('werift')) as unknown as { RTCPeerConnection: new (c: object) => W3CPeer };
      const { startBindingServer } = await import('@x/stun');
      const stun = await startBindingServer({ address: '127.0.0.1' });
      const config = weriftLoopbackConfig(stun.address.port);
      closeAll = async () => stun.close();
      return () => new RTCPeerConnection(config);
    }
    default:
      throw new Error(`scale-server: no stack ${stackName}`);
  }
}

/** Resolves once the connection has gathered every candidate (they go inside the answer). */
function gathered(pc: W3CPeer): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const poll = setInterval(() => {
      if (pc.iceGatheringState === 'complete') done();
    }, 5);
    const done = () => {
      clearInterval(poll);
      resolve();
    };
    pc.onicecandidate = (e: { candidate?: { candidate?: string } | null }) => {
      if (!e.candidate || !e.candidate.candidate) done();
    };
  });
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

// Nothing thrown out of a stack's event handler may end the run; it is said (BENCH_VERBOSE shows it).
process.on('uncaughtException', (error) => process.stderr.write(`bench: scale-server: uncaught: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`));
process.on('unhandledRejection', (error) => process.stderr.write(`bench: scale-server: unhandled: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`));

serveHelper({
  start: async () => {
    make = await load();
    return process.pid;
  },
  /** An answer (candidates inside) to a client's offer; the connection echoes every message. */
  answer: async ({ id, sdp }: { id: number; sdp: string }) => {
    const pc = make!();
    connections.set(id, pc);
    pc.ondatachannel = (e: { channel: EchoChannel }) => {
      const ch = e.channel;
      ch.binaryType = 'arraybuffer';
      ch.onmessage = (m) => ch.send(m.data);
    };
    const done = gathered(pc);
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await done;
    return loopbackOnlySdp(pc.localDescription!.sdp);
  },
  close: async (id: number) => {
    const pc = connections.get(id);
    connections.delete(id);
    await pc?.close();
  },
  /** Memory after `settleMs` and GC, file descriptors and CPU time. */
  sample: async (settleMs: number): Promise<ServerSample> => {
    await settle(settleMs);
    const m = process.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed, fds: readdirSync('/proc/self/fd').length, cpuMicros: cpuMicros(), connections: connections.size };
  },
  cpu: () => cpuMicros(),
  /** GC pauses since the last call: count, total and longest (ms). */
  gcPauses: () => {
    const out = gc;
    gc = { count: 0, totalMs: 0, maxMs: 0 };
    return out;
  },
  /** Starts V8's CPU profiler (for finding where the time goes: BENCH_SCALE_PROFILE=<dir>). */
  profileStart: async () => {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  },
  /** Stops it and writes the profile to `file` (open it in Chrome DevTools). */
  profileStop: async (file: string) => {
    const { profile } = await profiler!.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    profiler!.disconnect();
  },
  stop: async () => {
    await Promise.all([...connections.values()].map(async (pc) => pc.close()));
    connections.clear();
    await closeAll();
  },
});
