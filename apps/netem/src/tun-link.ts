/**
 * An impaired IP link between two network namespaces, for whole-stack comparisons: kernel TCP and
 * a data channel cross the same link. Each namespace gets a TUN device (`tl0`, MTU 1500, A at
 * 10.78.0.1/24, B at 10.78.0.2/24); the Go relay in ../tun-link/main.go carries every IP packet
 * from one device to the other through the same pipeline as {@link ImpairmentScheduler} (loss,
 * Gilbert–Elliott, duplication, rate limit behind a drop-tail queue in bytes, delay ± jitter,
 * reordering). Node cannot attach a TUN device itself (no ioctl), hence the Go program, built
 * with the standard library into dist/ on first use. Needs root, iproute2, /dev/net/tun and Go.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDirections, validateModel, type DirectionalModel, type ImpairmentModel } from './impairment-model.js';
import { NetemError } from './netem-error.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Source of the relay (apps/netem/tun-link) and where its binary goes (apps/netem/dist, ignored by git). */
const sourceDir = join(here, '..', 'tun-link');
const binary = join(here, '..', 'dist', 'tun-link-relay');

/** One direction's counters, as the relay prints them. */
export interface TunLinkDirectionCounters {
  /** IP packets read from the sending side's device. */
  packets: number;
  bytes: number;
  droppedLoss: number;
  droppedQueue: number;
  duplicated: number;
  reordered: number;
  /** Copies written into the receiving side's device. */
  delivered: number;
  writeErrors: number;
  /** Largest backlog of the drop-tail queue, in bytes. */
  maxQueueBytes: number;
}

/** A counter report: periodic (`statsEveryMs`) or final. */
export interface TunLinkReport {
  /** ms since the relay started. */
  ms: number;
  final: boolean;
  aToB: TunLinkDirectionCounters;
  bToA: TunLinkDirectionCounters;
}

export interface TunLinkOptions {
  /** Impairment: one model for both directions (B→A with a derived seed) or one per direction. */
  model?: ImpairmentModel | DirectionalModel;
  /** The relay reports its counters this often (ms); the reports are kept in {@link TunLink.reports}. */
  statsEveryMs?: number;
  /** MTU of both devices (default 1500). */
  mtu?: number;
}

/** The two namespaces and the relay between them. */
export interface TunLink {
  readonly namespaceA: string;
  readonly namespaceB: string;
  readonly addressA: string;
  readonly addressB: string;
  /** The relay's periodic reports so far. */
  readonly reports: readonly TunLinkReport[];
  /** argv that runs `argv` inside side `side`'s namespace (`ip netns exec`). */
  command(side: 'a' | 'b', argv: readonly string[]): string[];
  /** Stops the relay, removes both namespaces (and so their devices); resolves with the final counters. */
  close(): Promise<TunLinkReport | undefined>;
}

let counter = 0;

function run(argv: string[], what = argv.join(' ')): void {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new NetemError('TUN_LINK', `${what}: ${(r.stderr || r.error?.message || `exit ${String(r.status)}`).trim()}`);
}

/** Path of the relay binary, built with `go build` when missing or older than its source. */
export function tunLinkRelayBinary(): string {
  const source = join(sourceDir, 'main.go');
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return binary;
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOCACHE: process.env.GOCACHE ?? join(here, '..', 'dist', '.gocache') };
  const r = spawnSync('go', ['build', '-o', binary, '.'], { cwd: sourceDir, env, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new NetemError('TUN_LINK', `go build of the tun-link relay: ${(r.stderr || r.error?.message || `exit ${String(r.status)}`).trim()}`);
  return binary;
}

/** Why a TUN link cannot be made here (not root, no /dev/net/tun, no ip or go), or undefined when it can. */
export function tunLinkUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  if (!existsSync('/dev/net/tun')) return 'no /dev/net/tun';
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return 'no iproute2';
  try {
    tunLinkRelayBinary();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return undefined;
}

/** Makes two namespaces joined by the impaired TUN link; resolves once packets can cross. */
export async function startTunLink(options: TunLinkOptions = {}): Promise<TunLink> {
  const { aToB, bToA } = resolveDirections(options.model);
  validateModel(aToB);
  validateModel(bToA);
  const relayBinary = tunLinkRelayBinary();
  const tag = `${process.pid}-${counter++}`;
  const namespaceA = `xtl-${tag}-a`;
  const namespaceB = `xtl-${tag}-b`;
  const addressA = '10.78.0.1';
  const addressB = '10.78.0.2';
  const removeNamespaces = () => {
    for (const ns of [namespaceA, namespaceB]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 30_000 });
  };
  let relay: ChildProcess | undefined;
  try {
    for (const [ns, address] of [[namespaceA, addressA], [namespaceB, addressB]] as const) {
      run(['ip', 'netns', 'add', ns]);
      run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      // Persistent devices made by ip, so every address and route is set before the relay attaches.
      run(['ip', '-n', ns, 'tuntap', 'add', 'dev', 'tl0', 'mode', 'tun']);
      run(['ip', '-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'tl0']);
      run(['ip', '-n', ns, 'link', 'set', 'tl0', 'mtu', String(options.mtu ?? 1500), 'up']);
    }
    const args = ['-a', namespaceA, '-b', namespaceB, '-ab', JSON.stringify(aToB), '-ba', JSON.stringify(bToA)];
    if (options.statsEveryMs) args.push('-stats-every', String(Math.max(1, Math.round(options.statsEveryMs))));
    const child = spawn(relayBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    relay = child;
    const reports: TunLinkReport[] = [];
    let final: TunLinkReport | undefined;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let pending = '';
    let ready!: () => void;
    const readyPromise = new Promise<void>((resolve, reject) => {
      ready = resolve;
      child.once('exit', (code) => reject(new NetemError('TUN_LINK', `tun-link relay exited (${String(code)}): ${stderr.trim()}`)));
      child.once('error', (e) => reject(new NetemError('TUN_LINK', `tun-link relay: ${e.message}`)));
    });
    child.stdout!.on('data', (d: Buffer) => {
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line === 'ready') ready();
        else if (line.startsWith('{')) {
          const report = JSON.parse(line) as TunLinkReport;
          if (report.final) final = report;
          else reports.push(report);
        }
      }
    });
    await readyPromise;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('close', () => resolve());
    });
    let closing: Promise<TunLinkReport | undefined> | undefined;
    return {
      namespaceA,
      namespaceB,
      addressA,
      addressB,
      reports,
      command: (side, argv) => ['ip', 'netns', 'exec', side === 'a' ? namespaceA : namespaceB, ...argv],
      close: () =>
        (closing ??= (async () => {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(killer);
          removeNamespaces();
          return final;
        })()),
    };
  } catch (error) {
    relay?.kill('SIGKILL');
    removeNamespaces();
    throw error;
  }
}
