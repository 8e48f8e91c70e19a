// One peer connection of a pair whose two ends live in two processes, the way a Node server talks
// to a browser: `node split-peer.js <stack> <sender|receiver> <params JSON>`, spawned with an IPC
// channel by figures/datachannel-two-processes.ts, which carries the signaling between the two.
// The sender offers and creates the channel, then sends `total` bytes as fast as bufferedAmount
// lets it; the receiver counts them. Each reports the CPU its whole process spent (every thread:
// libwebrtc's network and signaling threads count too) over the transfer.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { loadStack, stackNames, type StackName } from './index.js';
import { isLoopbackUdpCandidate, loopbackOnlySdp, type PeerChannel } from './stack.js';
import type { W3CChannel, W3CPeer } from './w3c.js';

/** What the figure passes to each end. */
export interface SplitParams {
  /** Bytes to move. */
  total: number;
  /** Message size in bytes. */
  size: number;
}

/** Messages between a split peer and the figure (both ways). */
export type SplitMessage =
  | { t: 'offer' | 'answer'; sdp: string }
  | { t: 'candidate'; candidate: string; sdpMid: string | null; sdpMLineIndex: number | null }
  /** Figure → sender: the receiver has everything, report. */
  | { t: 'stop' }
  /** Figure → both: exit now (normally, so that `--cpu-prof` writes its profile). */
  | { t: 'exit' }
  /** Receiver → figure: all bytes arrived, at `at` (wall clock, ms). */
  | { t: 'done'; bytes: number; at: number; cpuMs: number }
  /** Sender → figure, after `stop`: `startedAt` is when it sent its first message (wall clock, ms). */
  | { t: 'report'; bytes: number; startedAt: number; cpuMs: number }
  | { t: 'error'; message: string };

const send = (m: SplitMessage) => process.send!(m);

/** Wall clock in ms, comparable between the two processes. */
const wallClock = () => performance.timeOrigin + performance.now();

/**
 * CPU milliseconds (user + system, every thread) since `from`. Both ends count from before
 * signaling, not from the first byte: a native stack's threads may take in data before its JS
 * sees any. The handshake's few ms are noise against 32 MiB.
 */
function cpuMsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

function opened(channel: W3CChannel): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve) => (channel.onopen = () => resolve()));
}

function runSender(channel: PeerChannel, { total, size }: SplitParams, stopped: Promise<void>, start: NodeJS.CpuUsage): void {
  const message = new Uint8Array(size).fill(0x5a);
  const high = 4 * 1024 * 1024;
  let sent = 0;
  const startedAt = wallClock();
  // The budget is read once per refill (libwebrtc raises bufferedAmount on its own thread).
  const pump = () => {
    for (let budget = high - channel.bufferedAmount(); budget > 0 && sent < total; budget -= size) {
      channel.send(message);
      sent += size;
    }
  };
  channel.setBufferedAmountLowThreshold(1024 * 1024);
  channel.onBufferedAmountLow(pump);
  const poll = setInterval(pump, 20);
  pump();
  void stopped.then(() => {
    clearInterval(poll);
    send({ t: 'report', bytes: sent, startedAt, cpuMs: cpuMsSince(start) });
  });
}

function runReceiver(channel: PeerChannel, { total }: SplitParams, start: NodeJS.CpuUsage): void {
  let received = 0;
  channel.onMessage((bytes) => {
    received += bytes;
    if (received >= total && received - bytes < total) {
      send({ t: 'done', bytes: received, at: wallClock(), cpuMs: cpuMsSince(start) });
    }
  });
}

/**
 * BENCH_CPU_PROF=<dir>: a V8 CPU profile of this end from the moment its peer connection is made
 * (so module loading is left out) to its exit, written to <dir> for `profile-layers.js`.
 */
function startProfile(label: string): () => Promise<void> {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return async () => undefined;
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 100 });
  session.post('Profiler.start');
  return () =>
    new Promise((resolve) => {
      session.post('Profiler.stop', (error, result) => {
        if (!error) writeFileSync(join(dir, `${process.env.BENCH_PAIR ?? 'pair'}.${label}.cpuprofile`), JSON.stringify(result.profile));
        resolve();
      });
    });
}

async function main(): Promise<void> {
  const [name, role, paramsJson] = process.argv.slice(2);
  if (!name || !(stackNames as readonly string[]).includes(name) || (role !== 'sender' && role !== 'receiver')) {
    throw new Error('usage: split-peer.js <stack> <sender|receiver> <params JSON>');
  }
  const params = JSON.parse(paramsJson ?? '{}') as SplitParams;
  const stack = await loadStack(name as StackName);
  const maker = stack.w3c;
  if (!maker) throw new Error(`${name} has no W3C peer connection`);
  const cpuAtStart = process.cpuUsage();
  const stopProfile = startProfile(`${name}-${role}`);
  const pc: W3CPeer = maker.make();
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  // Candidates that come before the remote description wait for it.
  let hasRemote = false;
  const early: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null }[] = [];
  const addCandidate = (c: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null }) =>
    void pc.addIceCandidate(c).catch(() => undefined);
  pc.onicecandidate = (e: { candidate?: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null }) => {
    const c = e.candidate;
    if (!c || !c.candidate || !isLoopbackUdpCandidate(c.candidate)) return;
    send({ t: 'candidate', candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null });
  };
  process.on('message', (m: SplitMessage) => {
    void (async () => {
      if (m.t === 'candidate') {
        if (hasRemote) addCandidate(m);
        else early.push(m);
      } else if (m.t === 'offer') {
        await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
        hasRemote = true;
        early.splice(0).forEach(addCandidate);
        await pc.setLocalDescription(await pc.createAnswer());
        send({ t: 'answer', sdp: loopbackOnlySdp(pc.localDescription!.sdp) });
      } else if (m.t === 'answer') {
        await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
        hasRemote = true;
        early.splice(0).forEach(addCandidate);
      } else if (m.t === 'stop') {
        stop();
      } else if (m.t === 'exit') {
        await stopProfile();
        process.exit(0);
      }
    })().catch((error: unknown) => send({ t: 'error', message: error instanceof Error ? error.message : String(error) }));
  });
  if (role === 'sender') {
    const channel = pc.createDataChannel('bench', { ordered: true });
    await pc.setLocalDescription(await pc.createOffer());
    send({ t: 'offer', sdp: loopbackOnlySdp(pc.localDescription!.sdp) });
    await opened(channel);
    runSender(maker.wrap(channel), params, stopped, cpuAtStart);
  } else {
    pc.ondatachannel = (e: { channel: W3CChannel }) => {
      void opened(e.channel).then(() => runReceiver(maker.wrap(e.channel), params, cpuAtStart));
    };
  }
}

process.on('uncaughtException', (error) => process.stderr.write(`uncaught: ${error instanceof Error ? error.message : String(error)}\n`));
main().catch((error: unknown) => {
  send({ t: 'error', message: error instanceof Error ? error.message : String(error) });
});
