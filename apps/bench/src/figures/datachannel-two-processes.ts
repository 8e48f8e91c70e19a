// Reliable ordered data channel bulk transfer with each peer in its own process (the way a Node
// server talks to a browser), 16 KiB messages, 32 MiB: MB/s at the receiver and the CPU each side's
// whole process spent per MB (every thread counted). Pairs: ours→ours, ours→libwebrtc,
// libwebrtc→ours, libwebrtc→libwebrtc, werift→werift. One host child (in its own network
// namespace, as every figure child) spawns the two peers and carries their signaling.
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchRow } from '../figure.js';
import { runInChild } from '../peers/spawn.js';
import type { StackName } from '../peers/index.js';
import type { SplitMessage, SplitParams } from '../peers/split-peer.js';
import type { Stack } from '../peers/stack.js';

const here = dirname(fileURLToPath(import.meta.url));
const SIZE = 16 * 1024;

/** Sender stack, receiver stack. */
type Pair = readonly [StackName, StackName];
const PAIRS: readonly Pair[] = [
  ['ours', 'ours'],
  ['ours', 'libwebrtc'],
  ['libwebrtc', 'ours'],
  ['libwebrtc', 'libwebrtc'],
  ['werift', 'werift'],
];

/** What one pair measured. */
export interface PairResult {
  mbps: number;
  senderCpuMsPerMB: number;
  receiverCpuMsPerMB: number;
}

interface Params {
  withoutStack: true;
  total: number;
  capMs: number;
}

/** Runs one pair: both peers spawned here, signaling relayed, results once the receiver has all bytes. */
function runPair([from, to]: Pair, total: number, capMs: number): Promise<PairResult> {
  const params: SplitParams = { total, size: SIZE };
  const script = join(here, '..', 'peers', 'split-peer.js');
  // BENCH_CPU_PROF=<dir>: each end writes a V8 CPU profile there (split-peer.ts; for `profile-layers.js`).
  const options = { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] as ('ignore' | 'pipe' | 'ipc')[], env: { ...process.env, BENCH_PAIR: `${from}-to-${to}` } };
  const sender = fork(script, [from, 'sender', JSON.stringify(params)], options);
  const receiver = fork(script, [to, 'receiver', JSON.stringify(params)], options);
  let stderr = '';
  for (const child of [sender, receiver]) child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise<PairResult>((resolve, reject) => {
    let done: Extract<SplitMessage, { t: 'done' }> | undefined;
    const timer = setTimeout(() => finish(new Error(`${from}→${to}: not complete after ${capMs} ms ${stderr.trim().split('\n').slice(-2).join(' / ')}`)), capMs);
    let finished = false;
    const finish = (result: PairResult | Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      // Asked to exit first (a profile is written at a normal exit), killed if they do not.
      const exited = [sender, receiver].map((child) => new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once('exit', () => r());
        if (child.connected) child.send({ t: 'exit' } satisfies SplitMessage);
      }));
      const kill = setTimeout(() => [sender, receiver].forEach((c) => c.kill('SIGKILL')), 5000);
      void Promise.all(exited).then(() => {
        clearTimeout(kill);
        if (result instanceof Error) reject(result);
        else resolve(result);
      });
    };
    const relay = (to: typeof sender) => (m: SplitMessage) => {
      if (m.t === 'offer' || m.t === 'answer' || m.t === 'candidate') to.send(m);
      else if (m.t === 'error') finish(new Error(`${from}→${to === sender ? 'sender' : 'receiver'}: ${m.message}`));
    };
    sender.on('message', relay(receiver));
    receiver.on('message', relay(sender));
    receiver.on('message', (m: SplitMessage) => {
      if (m.t !== 'done') return;
      done = m;
      sender.send({ t: 'stop' } satisfies SplitMessage);
    });
    sender.on('message', (m: SplitMessage) => {
      if (m.t !== 'report' || !done) return;
      const mb = done.bytes / 1e6;
      finish({ mbps: mb / ((done.at - m.startedAt) / 1000), senderCpuMsPerMB: m.cpuMs / mb, receiverCpuMsPerMB: done.cpuMs / mb });
    });
    for (const child of [sender, receiver]) child.on('exit', (code) => {
      if (code !== null && code !== 0) finish(new Error(`${from}→${to}: a peer exited with ${code}: ${stderr.trim().split('\n').slice(-2).join(' / ')}`));
    });
  });
}

const key = ([from, to]: Pair) => `${from}→${to}`;

/** In the host child: every pair, one after the other. */
export async function measure(_stack: Stack, params: Record<string, unknown>): Promise<Record<string, PairResult | undefined>> {
  const { total, capMs } = params as unknown as Params;
  const out: Record<string, PairResult | undefined> = {};
  for (const pair of PAIRS) {
    try {
      out[key(pair)] = await runPair(pair, total, capMs);
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return out;
}

/** The rows: ours→ours beside the anchors' own pairs, then ours against libwebrtc in each direction. */
export function rows(results: Record<string, PairResult | undefined> | undefined): BenchRow[] {
  const r = results ?? {};
  const title = 'data channel bulk, two processes, reliable ordered, 16 KiB messages, 32 MiB';
  const same = (label: string, unit: string, higherIsBetter: boolean, pick: (p: PairResult) => number): BenchRow => ({
    figure: `${title}: ${label}`,
    unit,
    higherIsBetter,
    ours: pickOf(r['ours→ours'], pick),
    anchors: { libwebrtc: pickOf(r['libwebrtc→libwebrtc'], pick), werift: pickOf(r['werift→werift'], pick) },
  });
  const mixed = (label: string, ourPair: string, unit: string, higherIsBetter: boolean, pick: (p: PairResult) => number): BenchRow => ({
    figure: `${title}: ${label}`,
    unit,
    higherIsBetter,
    ours: pickOf(r[ourPair], pick),
    anchors: { libwebrtc: pickOf(r['libwebrtc→libwebrtc'], pick) },
  });
  return [
    same('throughput', 'MB/s', true, (p) => p.mbps),
    same('sender CPU', 'ms/MB', false, (p) => p.senderCpuMsPerMB),
    same('receiver CPU', 'ms/MB', false, (p) => p.receiverCpuMsPerMB),
    mixed('ours sending to libwebrtc, throughput', 'ours→libwebrtc', 'MB/s', true, (p) => p.mbps),
    mixed('ours sending to libwebrtc, our sender CPU', 'ours→libwebrtc', 'ms/MB', false, (p) => p.senderCpuMsPerMB),
    mixed('libwebrtc sending to ours, throughput', 'libwebrtc→ours', 'MB/s', true, (p) => p.mbps),
    mixed('libwebrtc sending to ours, our receiver CPU', 'libwebrtc→ours', 'ms/MB', false, (p) => p.receiverCpuMsPerMB),
  ];
}

function pickOf(p: PairResult | undefined, pick: (p: PairResult) => number): number | undefined {
  return p === undefined ? undefined : pick(p);
}

export default async function datachannelTwoProcesses({ quick }: BenchOptions): Promise<BenchRow[]> {
  const MiB = 1024 * 1024;
  const params: Params = { withoutStack: true, total: (quick ? 2 : 32) * MiB, capMs: quick ? 10_000 : 30_000 };
  const results = await runInChild<Record<string, PairResult | undefined>>('datachannel-two-processes', 'ours', params, PAIRS.length * (params.capMs + 5000) + 10_000);
  return rows(results);
}
