/**
 * Scale check, run as its own process with `node --expose-gc dist/scale-run.js [pairs]`: opens
 * `pairs` pairs of our peer connections on 127.0.0.1 (1000 connections for 500 pairs), all open
 * at the same time, each pair with a data channel whose far end echoes; checks one echo per pair;
 * closes everything; then compares the heap after GC and the active handles with those before.
 * Prints one JSON line with the figures and exits 0, or exits 1 on any failure.
 */
import { randomBytes } from 'node:crypto';
import type { RTCDataChannel, RTCPeerConnection } from '@x/peerconnection';
import { connected, loopbackFactory } from './relayed-pair.js';

const gc = (globalThis as { gc?: () => void }).gc;

function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

/** Lets close callbacks and queued tasks run, then collects garbage until the heap settles. */
async function settle(): Promise<number> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  let heap = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 10; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
    const now = process.memoryUsage().heapUsed;
    if (now >= heap - 64 * 1024) return now;
    heap = now;
  }
  return heap;
}

interface OpenPair {
  a: RTCPeerConnection;
  b: RTCPeerConnection;
  channel: RTCDataChannel;
  id: number;
}

const factory = loopbackFactory();

/** A pair still opening or echoing: the step it waits in, and since when. */
interface Progress {
  step: string;
  since: number;
  a: RTCPeerConnection;
  b: RTCPeerConnection;
  channel?: RTCDataChannel;
}

const inProgress = new Map<number, Progress>();
let pairIds = 0;

/**
 * A step that takes this long is a stall, not load. On a machine whose two cores run 16 other busy
 * processes, the whole run takes about 100 s and no pair spends more than 20 s in one step.
 */
const STALL_MS = 120_000;

function statesOf(pc: RTCPeerConnection): string {
  const sctp = pc.sctp;
  return `signaling ${pc.signalingState}, gathering ${pc.iceGatheringState}, ICE ${pc.iceConnectionState}, connection ${pc.connectionState}, DTLS ${sctp?.transport.state ?? '-'}, SCTP ${sctp?.state ?? '-'}`;
}

function enter(id: number, progress: Progress, step: string): void {
  progress.step = step;
  progress.since = performance.now();
  inProgress.set(id, progress);
}

// A stalled pair ends the run with what each side was waiting for, instead of a silent hang.
const stallCheck = setInterval(() => {
  const now = performance.now();
  for (const [id, p] of inProgress) {
    if (now - p.since < STALL_MS) continue;
    console.error(`pair ${id} made no progress for ${((now - p.since) / 1000).toFixed(0)} s in step "${p.step}": offerer ${statesOf(p.a)}; answerer ${statesOf(p.b)}; channel ${p.channel?.readyState ?? '-'}`);
    process.exit(1);
  }
}, 5_000);
stallCheck.unref();

async function openPair(): Promise<OpenPair> {
  const a = factory.createPeerConnection();
  const b = factory.createPeerConnection();
  const id = pairIds++;
  const progress: Progress = { step: '', since: 0, a, b };
  enter(id, progress, 'negotiate');
  a.onicecandidate = (e) => void b.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  b.onicecandidate = (e) => void a.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  const channel = a.createDataChannel('echo');
  progress.channel = channel;
  b.ondatachannel = (e) => {
    const far = e.channel;
    far.binaryType = 'arraybuffer';
    far.onmessage = (m: MessageEvent) => far.send(m.data as ArrayBuffer);
  };
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
  enter(id, progress, 'connect');
  await Promise.all([connected(a), connected(b)]);
  enter(id, progress, 'channel open');
  if (channel.readyState !== 'open') await new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }));
  inProgress.delete(id);
  return { a, b, channel, id };
}

async function echo(pair: OpenPair): Promise<boolean> {
  const payload = randomBytes(64);
  pair.channel.binaryType = 'arraybuffer';
  const back = new Promise<ArrayBuffer>((resolve) => pair.channel.addEventListener('message', (e: Event) => resolve((e as MessageEvent).data as ArrayBuffer), { once: true }));
  enter(pair.id, { step: '', since: 0, a: pair.a, b: pair.b, channel: pair.channel }, 'echo');
  pair.channel.send(payload);
  const same = Buffer.from(await back).equals(payload);
  inProgress.delete(pair.id);
  return same;
}

/** Opens `count` pairs, `concurrency` at a time. */
async function openAll(count: number, concurrency: number): Promise<OpenPair[]> {
  const pairs: OpenPair[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      pairs.push(await openPair());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return pairs;
}

/** Opens, echoes and closes in its own frame, so nothing of it is left on main's stack. */
async function run(count: number): Promise<{ weak: Array<WeakRef<RTCPeerConnection>>; echoed: number; openSeconds: number; heapOpen: number; resourcesOpen: Record<string, number> }> {
  const start = performance.now();
  const pairs = await openAll(count, 50);
  const openSeconds = (performance.now() - start) / 1000;
  const echoes = await Promise.all(pairs.map(echo));
  // Weak references tell, after GC, whether any closed connection is still reachable.
  const weak = pairs.flatMap((p) => [new WeakRef(p.a), new WeakRef(p.b)]);
  const heapOpen = process.memoryUsage().heapUsed;
  const resourcesOpen = resources();
  for (const p of pairs.splice(0)) {
    p.a.close();
    p.b.close();
  }
  return { weak, echoed: echoes.filter(Boolean).length, openSeconds, heapOpen, resourcesOpen };
}

async function warmUp(): Promise<void> {
  const warm = await openPair();
  if (!(await echo(warm))) throw new Error('warm-up echo failed');
  warm.a.close();
  warm.b.close();
}

async function main(): Promise<void> {
  if (gc === undefined) throw new Error('run with node --expose-gc');
  const count = Number(process.argv[2] ?? 500);
  // A warm-up pair loads every lazy module and cache first, so they are not counted as growth.
  await warmUp();
  const heapBefore = await settle();
  const resourcesBefore = resources();
  const { weak, ...figures } = await run(count);
  const heapAfter = await settle();
  const resourcesAfter = resources();
  const stillReachable = weak.filter((w) => w.deref() !== undefined).length;
  // For finding out what holds them: HEAP_SNAPSHOT=file writes a snapshot here.
  if (process.env['HEAP_SNAPSHOT'] !== undefined) (await import('node:v8')).writeHeapSnapshot(process.env['HEAP_SNAPSHOT']);
  console.log(JSON.stringify({ connections: count * 2, stillReachable, heapBefore, heapAfter, resourcesBefore, resourcesAfter, ...figures }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
