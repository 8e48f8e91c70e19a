// Scale: one server process holding many connected peer connections, each with an open data
// channel, against clients (all ours, one socket each) in another process. Ours serves every
// connection from one PeerConnectionFactory on one IceUdpMux (one UDP socket); the anchors,
// libwebrtc (@roamhq/wrtc) and werift, serve with their own sockets per connection. All three at
// one count; then ours alone at a larger one (see plan()).
//
// The figure's child (loopback-only namespace) forks the server and the client helper; with 2+
// CPUs the server is pinned to CPU 0 and the clients to CPU 1 (`taskset`). Steps: one warm-up
// connection made and closed, GC, baseline of the server; N connections made, 32 at a time, each
// counted when its channel is open at both ends (a first message echoed); the server's memory
// after 2 s and GC, its file descriptors; its CPU time over an idle stretch (nothing sent:
// consent freshness, heartbeats, timers); then every connection sends one 16-byte message per
// second, spread evenly, for a minute (quick: 3 s) and the clients time the echoes.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchRow } from '../figure.js';
import { HelperProcess } from '../helpers/helper-process.js';
import type { EchoResult } from '../helpers/scale-client.js';
import type { ServerSample } from '../helpers/scale-server.js';
import type { StackName } from '../peers/index.js';
import { peerRow } from '../peers/rows.js';
import { runInChild } from '../peers/spawn.js';
import { withTimeout, type Stack } from '../peers/stack.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Params {
  connections: number;
  idleSeconds: number;
  echoSeconds: number;
  withoutStack: true;
  /** Ours only: an ICE-lite server (`ice.lite`). */
  lite?: boolean;
}

/** What one server stack's run gives. */
export interface ScaleResult {
  connections: number;
  pinned: boolean;
  /** Per connection: KB. */
  rssKB: number;
  heapKB: number;
  /** Per connection: file descriptors the server opened. */
  fds: number;
  /** The server's file descriptors at the end, all told. */
  fdsTotal: number;
  /** Connections per second to channel open at both ends. */
  setupPerSecond: number;
  /** Server CPU time per connection set up, µs. */
  setupCpuMicros: number;
  /** Server CPU per connection per second, idle, µs. */
  idleMicros: number;
  echo: EchoResult;
  /** Server CPU time per echoed message (idle cost included), µs. */
  echoCpuMicros: number;
  /** The clients' CPU time per echoed message, µs: whether they, not the server, were the limit. */
  clientEchoCpuMicros: number;
  /** The server's GC pauses during the echo stretch. */
  echoGc: GcPauses;
}

/** GC pauses of a stretch: how many, their sum and the longest, ms. */
interface GcPauses {
  count: number;
  totalMs: number;
  maxMs: number;
}

const CONCURRENCY = 32;
const NODE_FLAGS = ['--expose-gc', '--max-old-space-size=8192', ...(process.env.BENCH_SCALE_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])];

function pin(pid: number | undefined, cpu: number): boolean {
  if (pid === undefined) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' }).status === 0;
}

/** Lets a helper open as many files as it needs (libwebrtc: ~32 a connection), where the hard limit may be raised (CAP_SYS_RESOURCE); else it stays. */
function raiseFileLimit(pid: number | undefined): void {
  if (pid !== undefined) spawnSync('prlimit', ['--pid', String(pid), '--nofile=262144:262144'], { stdio: 'ignore' });
}

/** In the child: the server of `stack.name` and the clients, each in a helper process. */
export async function measure(stack: Stack, params: Record<string, unknown>): Promise<ScaleResult> {
  const { connections, idleSeconds, echoSeconds, lite } = params as unknown as Params;
  const server = HelperProcess.start(join(here, '..', 'helpers', 'scale-server.js'), [stack.name, ...(lite === true ? ['--lite'] : [])], NODE_FLAGS);
  const client = HelperProcess.start(join(here, '..', 'helpers', 'scale-client.js'), [], NODE_FLAGS);
  try {
    raiseFileLimit(server.pid);
    raiseFileLimit(client.pid);
    const pinned = cpus().length >= 2 && pin(server.pid, 0) && pin(client.pid, 1);
    await Promise.all([server.request('start'), client.request('start')]);
    const connect = async (id: number) => {
      const offer = await client.request<string>('offer', id);
      const answer = await server.request<string>('answer', { id, sdp: offer });
      await client.request('accept', { id, sdp: answer });
    };
    await withTimeout(connect(0), 30_000, 'warm-up connection');
    await Promise.all([client.request('close', 0), server.request('close', 0)]);
    const before = await server.request<ServerSample>('sample', 500);

    const profile = process.env.BENCH_SCALE_PROFILE;
    if (profile) await server.request('profileStart');
    const cpuStart = await server.request<number>('cpu');
    const start = performance.now();
    let next = 1;
    let failures = 0;
    const worker = async () => {
      while (next <= connections) {
        const id = next++;
        try {
          await withTimeout(connect(id), 60_000, `connection ${id}`);
        } catch (error) {
          if (++failures > 10) throw error;
          process.stderr.write(`scale ${stack.name}: ${error instanceof Error ? error.message : String(error)}\n`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const setupSeconds = (performance.now() - start) / 1000;
    const setupCpu = (await server.request<number>('cpu')) - cpuStart;
    const open = connections - failures;
    if (profile) await server.request('profileStop', join(profile, `scale-setup-${stack.name}.cpuprofile`));

    const after = await server.request<ServerSample>('sample', 2000);
    const idleStart = await server.request<number>('cpu');
    const idleT0 = performance.now();
    if (profile) await server.request('profileStart');
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    if (profile) await server.request('profileStop', join(profile, `scale-idle-${stack.name}.cpuprofile`));
    const idleCpu = (await server.request<number>('cpu')) - idleStart;
    const idleWall = (performance.now() - idleT0) / 1000;
    if (profile) await server.request('profileStart');

    await server.request('gcPauses');
    const [echoCpuStart, clientCpuStart] = await Promise.all([server.request<number>('cpu'), client.request<number>('cpu')]);
    const echo = await client.request<EchoResult>('echo', { seconds: echoSeconds });
    const [echoCpu, clientCpu] = await Promise.all([server.request<number>('cpu'), client.request<number>('cpu')]);
    const echoGc = await server.request<GcPauses>('gcPauses');
    if (profile) await server.request('profileStop', join(profile, `scale-echo-${stack.name}.cpuprofile`));
    await Promise.all([client.request('stop'), server.request('stop')]).catch(() => undefined);
    return {
      connections: open,
      pinned,
      rssKB: (after.rss - before.rss) / 1024 / open,
      heapKB: (after.heap - before.heap) / 1024 / open,
      fds: (after.fds - before.fds) / open,
      fdsTotal: after.fds,
      setupPerSecond: open / setupSeconds,
      setupCpuMicros: setupCpu / open,
      idleMicros: idleCpu / open / idleWall,
      echo,
      echoCpuMicros: (echoCpu - echoCpuStart) / Math.max(1, echo.sent),
      clientEchoCpuMicros: (clientCpu - clientCpuStart) / Math.max(1, echo.sent),
      echoGc,
    };
  } finally {
    server.kill();
    client.kill();
  }
}

/**
 * Every server stack at the same count (full: 500; quick: 50), so the rows compare like with
 * like; then ours alone at the issue's 10,000 (quick: none), as an ICE-lite server (`ice.lite`,
 * the configuration a server of that size runs: it answers the clients' consent checks and sends
 * none, half the idle STUN traffic; BENCH_SCALE_LARGE_LITE=0 for a full agent).
 * BENCH_SCALE_CONNECTIONS and BENCH_SCALE_ANCHOR_CONNECTIONS override the two counts.
 */
export function plan({ quick }: BenchOptions): { large: Params | undefined; same: Params; timeoutMs: number } {
  const large = Number(process.env.BENCH_SCALE_CONNECTIONS ?? (quick ? 0 : 10_000));
  const largeLite = process.env.BENCH_SCALE_LARGE_LITE !== '0';
  // libwebrtc holds ~32 file descriptors a connection: 500 stays under a 20,000 `ulimit -n`.
  const same = Number(process.env.BENCH_SCALE_ANCHOR_CONNECTIONS ?? (quick ? 50 : 500));
  const idleSeconds = Number(process.env.BENCH_SCALE_IDLE_SECONDS ?? (quick ? 3 : 20));
  const echoSeconds = Number(process.env.BENCH_SCALE_ECHO_SECONDS ?? (quick ? 3 : 60));
  const params = (connections: number): Params => ({ connections, idleSeconds, echoSeconds, withoutStack: true });
  return {
    large: large > same ? { ...params(large), lite: largeLite } : undefined,
    same: params(same),
    timeoutMs: 120_000 + (idleSeconds + echoSeconds) * 1000 + Math.max(large, same) * 100,
  };
}

const SERVERS: StackName[] = ['ours', 'libwebrtc', 'werift'];

export default async function scale(options: BenchOptions): Promise<BenchRow[]> {
  const p = plan(options);
  const results: Partial<Record<StackName, ScaleResult>> = {};
  const run = async (stack: StackName, params: Params) => {
    const result = await runInChild<ScaleResult>('scale', stack, params, p.timeoutMs);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`bench: scale ${stack} at ${params.connections}: ${JSON.stringify(result)}\n`);
    return result;
  };
  // BENCH_SCALE_STACKS=ours,werift: only those servers (while working on one).
  const only = process.env.BENCH_SCALE_STACKS?.split(',');
  for (const stack of SERVERS.filter((s) => !only || only.includes(s))) results[stack] = await run(stack, p.same);
  const out = rows(results, p.same.connections, true);
  if (p.large && (!only || only.includes('ours'))) out.push(...rows({ ours: await run('ours', p.large) }, p.large.connections, false, p.large.lite === true));
  return out;
}

/** The rows at one count; a stack that did not open every connection it was asked for gives none. */
export function rows(results: Partial<Record<StackName, ScaleResult>>, connections: number, withAnchors: boolean, lite = false): BenchRow[] {
  const pick = (f: (r: ScaleResult) => number | undefined) =>
    Object.fromEntries(SERVERS.map((s) => [s, results[s]?.connections === connections ? f(results[s]!) : undefined])) as Partial<Record<StackName, number>>;
  const pinned = results.ours?.pinned ? ', server pinned to one CPU' : '';
  const what = `scale, one server process of ${connections.toLocaleString('en-US')} connections with an open data channel (ours: one UDP port for all)${withAnchors ? '' : ', ours alone'}${lite ? ', ICE-lite server' : ''}`;
  const row = (figure: string, unit: string, higherIsBetter: boolean, values: Partial<Record<StackName, number>>): BenchRow => {
    const r = peerRow(figure, unit, higherIsBetter, values);
    return withAnchors ? r : { ...r, anchors: {} };
  };
  return [
    row(`${what}: RSS per connection after GC`, 'KB', false, pick((r) => r.rssKB)),
    row(`${what}: JS heap per connection after GC`, 'KB', false, pick((r) => r.heapKB)),
    row(`${what}: file descriptors per connection`, 'fds', false, pick((r) => r.fds)),
    row(`${what}: connection setup rate to channel open at both ends, 32 at a time${pinned}`, 'conn/s', true, pick((r) => r.setupPerSecond)),
    row(`${what}: server CPU time per connection set up`, 'µs', false, pick((r) => r.setupCpuMicros)),
    row(`${what}: idle server CPU per connection (nothing sent)`, 'µs/s', false, pick((r) => r.idleMicros)),
    row(`${what}: echo round trip p99, one 16-byte message per connection per second`, 'ms', false, pick((r) => (r.echo.received === r.echo.sent ? r.echo.p99 : undefined))),
    row(`${what}: echoes answered before the stretch ended (p99 only when all were)`, '%', true, pick((r) => (100 * r.echo.received) / Math.max(1, r.echo.sent))),
    row(`${what}: server CPU time per echoed message (idle cost included)`, 'µs', false, pick((r) => r.echoCpuMicros)),
  ];
}
