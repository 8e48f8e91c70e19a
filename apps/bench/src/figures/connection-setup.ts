// Connection setup: from `new RTCPeerConnection()` (twice) to the data channel open at both ends,
// two peers of one stack in one process on 127.0.0.1, pairs made one after another (each closed
// before the next). Once with trickled candidates, once waiting for ICE gathering to complete
// before each SDP is sent (candidates inside the SDP). One warm-up pair, not counted, first.
// Median, p90, p99 and worst in ms. One child process per stack. The very first (trickle) pair
// of the child, after the stack's modules are loaded, is its own row: what a fresh process pays
// for its first connection (JIT warm-up, first-use set-up).
import type { BenchOptions, BenchRow } from '../figure.js';
import { peerRow, quantile } from '../peers/rows.js';
import { runForEachStack, type ChildPlan } from '../peers/spawn.js';
import type { StackName } from '../peers/index.js';
import type { Stack } from '../peers/stack.js';

interface Params {
  count: number;
}

type Mode = 'trickle' | 'gathered';
type Times = Record<Mode, number[]> & { first?: number };

/** In the child: setup times in ms, sorted, per mode. */
export async function measure(stack: Stack, params: Record<string, unknown>): Promise<Times> {
  const { count } = params as unknown as Params;
  const out: Times = { trickle: [], gathered: [] };
  for (const mode of ['trickle', 'gathered'] as const) {
    const trickle = mode === 'trickle';
    const warmUp = performance.now();
    const first = await stack.connect({ trickle });
    if (trickle) out.first = performance.now() - warmUp;
    await first.close();
    let failures = 0;
    for (let i = 0; i < count && failures < 3; i++) {
      const start = performance.now();
      try {
        const pair = await stack.connect({ trickle });
        out[mode].push(performance.now() - start);
        await pair.close();
      } catch (error) {
        failures++;
        process.stderr.write(`${stack.name} ${mode}: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
    out[mode].sort((a, b) => a - b);
  }
  return out;
}

const STATS: [string, number][] = [
  ['median', 0.5],
  ['p90', 0.9],
  ['p99', 0.99],
  ['worst', 1],
];

/** Child parameters and time limit. */
export function plan({ quick }: BenchOptions): ChildPlan {
  const params: Params = { count: quick ? 5 : 100 };
  return { params, timeoutMs: 30_000 + params.count * 2 * 2000 };
}

export default async function connectionSetup(options: BenchOptions): Promise<BenchRow[]> {
  const { params, timeoutMs } = plan(options);
  return rows(await runForEachStack<Times>('connection-setup', params, timeoutMs), options);
}

/** The rows from every stack's result. */
export function rows(results: Partial<Record<StackName, Times>>, options: BenchOptions): BenchRow[] {
  const params = plan(options).params as Params;
  const rows: BenchRow[] = [
    peerRow('connection setup to data channel open, first pair of a fresh process (modules loaded), trickle ICE', 'ms', false,
      Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v?.first]))),
  ];
  for (const [mode, label] of [['trickle', 'trickle ICE'], ['gathered', 'gathering completed before SDP']] as const) {
    for (const [stat, q] of STATS) {
      const values = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v && v[mode].length === params.count ? quantile(v[mode], q) : undefined]));
      rows.push(peerRow(`connection setup to data channel open, ${label}, ${stat} of ${params.count}`, 'ms', false, values));
    }
  }
  return rows;
}
