// Long and lossy paths: data channels against real kernel TCP over the same impaired IP link.
// Each transfer gets a fresh @x/netem TUN link (two network namespaces, a Go relay between their
// TUN devices applying the profile to every IP packet each way); the sender runs in namespace A,
// the receiver in B (peers/netns-peer.ts), ICE on the link's addresses only. Kernel TCP is node
// `net` with the kernel's default congestion control and autotuned buffers. 16 KiB messages
// (TCP: 16 KiB writes); MB/s (10^6 B/s) at the receiver over a fixed window after its first byte,
// and each stack as a fraction of TCP on the same path. The sender's congestion state is sampled
// (ours: its SCTP association; TCP: `ss -tin`) and, on the 50 ms path, plotted with the
// receiver's throughput over time (out/long-path-trace.svg).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTunLink, tunLinkUnavailable, type ImpairmentModel, type TunLink, type TunLinkReport } from '@x/netem';
import type { BenchOptions, BenchRow } from '../figure.js';
import type { CongestionSample, NetnsPeerMessage, NetnsPeerParams, Transport } from '../peers/netns-peer.js';
import { traceChart } from '../long-path-chart.js';

/** Mostly the path's delay sets the pace: --quick runs it beside the other waiting figures. */
export const mostlyWaits = true;

const here = dirname(fileURLToPath(import.meta.url));
const appDir = join(here, '..', '..');
const SIZE = 16 * 1024;
const SAMPLE_MS = 100;

export interface Profile {
  label: string;
  /** One direction's model; the relay applies it both ways (B→A with a derived seed). */
  model: ImpairmentModel;
}

const bdp = (bitsPerSecond: number, rttMs: number) => Math.round((bitsPerSecond / 8) * (rttMs / 1000));

export const PROFILES: Profile[] = [
  { label: '50 ms RTT, 100 Mbit/s, 1 BDP queue', model: { delayMs: 25, rateBitsPerSecond: 100e6, queueBytes: bdp(100e6, 50), seed: 21 } },
  { label: '50 ms RTT, 100 Mbit/s, 1 BDP queue, 1 % loss each way', model: { delayMs: 25, rateBitsPerSecond: 100e6, queueBytes: bdp(100e6, 50), loss: 0.01, seed: 22 } },
  { label: '150 ms RTT, 50 Mbit/s, 1 BDP queue, 0.5 % loss each way', model: { delayMs: 75, rateBitsPerSecond: 50e6, queueBytes: bdp(50e6, 150), loss: 0.005, seed: 23 } },
  {
    // apps/robustness's full profile: 10 % loss, 100 ± 20 ms each way, reordering, duplication, 4 Mbit/s.
    label: 'robustness: 10 % loss, 100 ± 20 ms each way, 2 % reordered, 2 % duplicated, 4 Mbit/s',
    model: { loss: 0.1, delayMs: 100, jitterMs: 20, reorder: 0.02, reorderDelayMs: 30, duplicate: 0.02, rateBitsPerSecond: 4e6, seed: 10 },
  },
];

/**
 * What runs over each path. `tcp` is the kernel's default congestion control; `tcp-cubic` the same
 * with CUBIC on the sending socket, a loss-based reference when the default is not one.
 */
export type PathTransport = Transport | 'tcp-cubic';
export const TRANSPORTS: readonly PathTransport[] = ['tcp', 'tcp-cubic', 'ours', 'libwebrtc', 'libdatachannel', 'werift'];

/** What one transfer gave. */
export interface Run {
  mbps?: number;
  connectMs?: number;
  /** Bytes per SAMPLE_MS bin at the receiver from its first byte. */
  bins?: number[];
  samples?: CongestionSample[];
  /** The relay's counters over time, and at the end. */
  reports: TunLinkReport[];
  final?: TunLinkReport;
  error?: string;
  /** Which ends reported their channel (TCP: connection) open. */
  opened: string[];
}

function spawnPeer(link: TunLink, side: 'a' | 'b', transport: Transport, role: 'sender' | 'receiver', params: NetnsPeerParams): ChildProcess {
  const script = join(here, '..', 'peers', 'netns-peer.js');
  const [command, ...args] = link.command(side, [process.execPath, script, transport, role, JSON.stringify(params)]);
  return spawn(command!, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
}

/** One transfer over a fresh link: signaling carried between the two ends, the window, then the sender's trace. */
export async function runOne(profile: Profile, pathTransport: PathTransport, durationMs: number, connectLimitMs = 60_000): Promise<Run> {
  const link = await startTunLink({ model: profile.model, statsEveryMs: 500 });
  const transport: Transport = pathTransport === 'tcp-cubic' ? 'tcp' : pathTransport;
  const params = (address: string, peerAddress: string): NetnsPeerParams => ({
    address, peerAddress, size: SIZE, durationMs, sampleMs: SAMPLE_MS, congestionControl: pathTransport === 'tcp-cubic' ? 'cubic' : undefined,
  });
  const sender = spawnPeer(link, 'a', transport, 'sender', params(link.addressA, link.addressB));
  const receiver = spawnPeer(link, 'b', transport, 'receiver', params(link.addressB, link.addressA));
  let stderr = '';
  for (const child of [sender, receiver]) child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const run: Run = { reports: [], opened: [] };
  const tail = () => `(open: ${run.opened.join(', ') || 'neither end'}) ${stderr.trim().split('\n').slice(-2).join(' / ')}`;
  // A connection over 10 % loss and 200 ms RTT can take several DTLS retransmissions.
  const limitMs = durationMs + connectLimitMs;
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        run.error = `no result after ${limitMs} ms ${tail()}`;
        resolve();
      }, limitMs);
      const relay = (to: ChildProcess, name: string) => (m: NetnsPeerMessage) => {
        if (m.t === 'offer' || m.t === 'answer' || m.t === 'candidate' || m.t === 'listening') {
          if (to.connected) to.send(m);
        } else if (m.t === 'open') {
          run.opened.push(name);
        } else if (m.t === 'error') {
          run.error = `${name}: ${m.message}`;
          clearTimeout(timer);
          resolve();
        } else if (m.t === 'result') {
          run.mbps = m.bytes / 1e6 / (durationMs / 1000);
          run.bins = m.bins;
          run.connectMs = Math.round(m.connectMs);
          clearTimeout(timer);
          resolve();
        }
      };
      sender.on('message', relay(receiver, 'sender'));
      receiver.on('message', relay(sender, 'receiver'));
      for (const child of [sender, receiver]) {
        child.once('exit', (code, signal) => {
          if (run.mbps !== undefined || run.error) return;
          run.error = `a peer exited (${signal ?? code}) ${tail()}`;
          clearTimeout(timer);
          resolve();
        });
      }
    });
    if (sender.connected) {
      run.samples = await new Promise<CongestionSample[]>((resolve) => {
        const timer = setTimeout(() => resolve([]), 5000);
        sender.on('message', (m: NetnsPeerMessage) => {
          if (m.t !== 'trace') return;
          clearTimeout(timer);
          resolve(m.samples);
        });
        sender.send({ t: 'stop' } satisfies NetnsPeerMessage);
      });
    }
  } finally {
    for (const child of [sender, receiver]) if (child.connected) child.send({ t: 'exit' } satisfies NetnsPeerMessage);
    const exited = [sender, receiver].map((c) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r()))));
    const kill = setTimeout(() => [sender, receiver].forEach((c) => c.kill('SIGKILL')), 3000);
    await Promise.all(exited);
    clearTimeout(kill);
    run.reports = [...link.reports];
    run.final = await link.close();
  }
  if (run.error) process.stderr.write(`bench: long-path ${pathTransport} (${profile.label}): ${run.error}\n`);
  return run;
}

/** The kernel's default congestion control in a fresh namespace (what the TCP rows used). */
function kernelCongestionControl(): string {
  const r = spawnSync('sh', ['-c', 'ip netns add xlp-probe-$$ && ip netns exec xlp-probe-$$ cat /proc/sys/net/ipv4/tcp_congestion_control; ip netns del xlp-probe-$$'], { encoding: 'utf8', timeout: 10_000 });
  return r.stdout.trim() || 'default';
}

function rowsOf(results: Record<string, Partial<Record<PathTransport, Run>>>, seconds: number, cc: string): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const { label } of PROFILES) {
    const rate = (t: PathTransport) => results[label]?.[t]?.mbps;
    const tcp = rate('tcp');
    const ofTcp = (v: number | undefined) => (v === undefined || !tcp ? undefined : v / tcp);
    rows.push({
      figure: `long path (TUN link): ${label}; 16 KiB messages, MB/s over ${seconds} s after the first byte (TCP: kernel ${cc})`,
      unit: 'MB/s',
      higherIsBetter: true,
      ours: rate('ours'),
      anchors: { libwebrtc: rate('libwebrtc'), libdatachannel: rate('libdatachannel'), werift: rate('werift'), TCP: tcp, 'TCP cubic': rate('tcp-cubic') },
    });
    rows.push({
      figure: '  same, as a fraction of kernel TCP on that path',
      unit: '× TCP',
      higherIsBetter: true,
      ours: ofTcp(rate('ours')),
      anchors: { libwebrtc: ofTcp(rate('libwebrtc')), libdatachannel: ofTcp(rate('libdatachannel')), werift: ofTcp(rate('werift')), 'TCP cubic': ofTcp(rate('tcp-cubic')) },
    });
  }
  return rows;
}

export default async function longPath({ quick }: BenchOptions): Promise<BenchRow[]> {
  const unavailable = tunLinkUnavailable();
  const seconds = Number(process.env.BENCH_LONG_PATH_SECONDS ?? (quick ? 2 : 20));
  const durationMs = seconds * 1000;
  const results: Record<string, Partial<Record<PathTransport, Run>>> = {};
  const cc = unavailable ? 'default' : kernelCongestionControl();
  const only = process.env.BENCH_LONG_PATH_ONLY?.split(',');
  const profiles = PROFILES.filter((_, i) => !only || only.includes(String(i)));
  const transports = TRANSPORTS.filter((t) => !process.env.BENCH_LONG_PATH_TRANSPORTS || process.env.BENCH_LONG_PATH_TRANSPORTS.split(',').includes(t));
  const load = { start: loadavg(), end: [] as number[] };
  if (unavailable) {
    process.stderr.write(`bench: long-path skipped: ${unavailable}\n`);
  } else {
    for (const profile of profiles) {
      const byTransport: Partial<Record<PathTransport, Run>> = (results[profile.label] = {});
      const one = async (t: PathTransport) => {
        // --quick: a stack that has not connected within 15 s gives '–' (werift often, on the robustness path).
        byTransport[t] = await runOne(profile, t, durationMs, quick ? 15_000 : 60_000);
        if (process.env.BENCH_VERBOSE) process.stderr.write(`bench: long-path ${t} (${profile.label}): ${byTransport[t]!.mbps?.toFixed(2) ?? '–'} MB/s\n`);
      };
      // --quick: every transport of a profile at once (each has its own link); a full run one after another.
      if (quick) await Promise.all(transports.map(one));
      else for (const t of transports) await one(t);
    }
  }
  load.end = loadavg();
  const outDir = join(appDir, 'out');
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'long-path.json'), JSON.stringify({ date: new Date().toISOString(), quick, seconds, kernelCongestionControl: cc, loadAverage: load, profiles, results }, null, 1) + '\n');
  const first = PROFILES[0]!.label;
  if (results[first]?.ours || results[first]?.tcp) {
    await writeFile(join(outDir, 'long-path-trace.svg'), traceChart(first, SAMPLE_MS, { ours: results[first]!.ours, [`TCP (${cc})`]: results[first]!.tcp, 'TCP (cubic)': results[first]!['tcp-cubic'] }, load));
  }
  return rowsOf(results, seconds, cc);
}
