// Cost of an open connection: N connected pairs of one stack in one process on 127.0.0.1, each with
// an open data channel. In a fresh child process run with --expose-gc: load the stack, connect and
// close one warm-up pair (so what a stack sets up once per process is in the baseline), GC, read
// the baseline; connect the N pairs, let them settle, GC, read again. The differences divided by
// the number of peer connections (2N): RSS and JS heap (KB), threads (/proc/self/status) and file
// descriptors (/proc/self/fd).
import { readdirSync, readFileSync } from 'node:fs';
import type { BenchOptions, BenchRow } from '../figure.js';
import { peerRow } from '../peers/rows.js';
import { runForEachStack, type ChildPlan } from '../peers/spawn.js';
import type { StackName } from '../peers/index.js';
import type { PeerPair, Stack } from '../peers/stack.js';
import { settle } from '../gc-settle.js';

interface Params {
  pairs: number;
}

interface Sample {
  rss: number;
  heap: number;
  threads: number;
  fds: number;
}

type PerConnection = Sample;

function sample(): Sample {
  const status = readFileSync('/proc/self/status', 'utf8');
  const threads = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, threads, fds: readdirSync('/proc/self/fd').length };
}

/** In the child: the cost of one peer connection. */
export async function measure(stack: Stack, params: Record<string, unknown>): Promise<PerConnection> {
  const { pairs } = params as unknown as Params;
  await (await stack.connect({ trickle: true })).close();
  await settle(300);
  const before = sample();
  const open: PeerPair[] = [];
  for (let i = 0; i < pairs; i++) open.push(await stack.connect({ trickle: true }));
  await settle(500);
  const after = sample();
  const n = 2 * pairs;
  const result = {
    rss: (after.rss - before.rss) / 1024 / n,
    heap: (after.heap - before.heap) / 1024 / n,
    threads: (after.threads - before.threads) / n,
    fds: (after.fds - before.fds) / n,
  };
  for (const pair of open) await pair.close();
  return result;
}

/** Child parameters and time limit. */
export function plan({ quick }: BenchOptions): ChildPlan {
  const params: Params = { pairs: quick ? 5 : 50 };
  return { params, timeoutMs: 60_000 + params.pairs * 2000 };
}

/** The rows from every stack's result. */
export function rows(results: Partial<Record<StackName, PerConnection>>, options: BenchOptions): BenchRow[] {
  const params = plan(options).params as Params;
  const pick = (key: keyof PerConnection) => Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v?.[key]]));
  const what = `per peer connection, ${params.pairs} connected pairs with a data channel`;
  return [
    peerRow(`memory ${what}: RSS after GC`, 'KB', false, pick('rss')),
    peerRow(`memory ${what}: JS heap after GC`, 'KB', false, pick('heap')),
    peerRow(`threads ${what}`, 'threads', false, pick('threads')),
    peerRow(`file descriptors ${what}`, 'fds', false, pick('fds')),
  ];
}

export default async function connectionMemory(options: BenchOptions): Promise<BenchRow[]> {
  const { params, timeoutMs } = plan(options);
  return rows(await runForEachStack<PerConnection>('connection-memory', params, timeoutMs), options);
}
