// 1 KiB messages on a reliable ordered data channel between two peer connections of one stack in
// one process on 127.0.0.1, the sender paced by bufferedAmount (kept between 256 KiB and 1 MiB):
// messages/s received, counted over a fixed time after a short warm-up. One child process per stack.
import type { BenchOptions, BenchRow } from '../figure.js';
import { peerRow } from '../peers/rows.js';
import { runForEachStack, type ChildPlan } from '../peers/spawn.js';
import type { StackName } from '../peers/index.js';
import type { Stack } from '../peers/stack.js';

const SIZE = 1024;
const LOW = 256 * 1024;
const HIGH = 1024 * 1024;

interface Params {
  warmupMs: number;
  durationMs: number;
}

/** In the child: messages/s received over `durationMs`, after `warmupMs` of the same traffic. */
export async function measure(stack: Stack, params: Record<string, unknown>): Promise<number> {
  const { warmupMs, durationMs } = params as unknown as Params;
  const pair = await stack.connect({ trickle: true });
  const sender = pair.offerer;
  const message = new Uint8Array(SIZE).fill(0x42);
  let received = 0;
  let running = true;
  pair.answerer.onMessage(() => void received++);
  // The budget is read once per refill (libwebrtc raises bufferedAmount on its own thread).
  const pump = () => {
    for (let budget = HIGH - sender.bufferedAmount(); running && budget > 0; budget -= SIZE) sender.send(message);
  };
  sender.setBufferedAmountLowThreshold(LOW);
  sender.onBufferedAmountLow(pump);
  const poll = setInterval(pump, 20);
  pump();
  await new Promise((r) => setTimeout(r, warmupMs));
  const from = received;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, durationMs));
  const rate = (received - from) / ((performance.now() - start) / 1000);
  running = false;
  clearInterval(poll);
  // Closed but not awaited: a close with a megabyte queued can take seconds, and the traffic must
  // stop before a figure that shares this child (--quick) runs.
  void pair.close().catch(() => undefined);
  return rate;
}

/** Child parameters and time limit. */
export function plan({ quick }: BenchOptions): ChildPlan {
  const params: Params = { warmupMs: quick ? 100 : 1000, durationMs: quick ? 400 : 5000 };
  return { params, timeoutMs: params.warmupMs + params.durationMs + 30_000 };
}

/** The rows from every stack's result. */
export function rows(results: Partial<Record<StackName, number>>): BenchRow[] {
  return [peerRow('data channel, reliable ordered, 1 KiB messages', 'messages/s', true, results)];
}

export default async function datachannelSmallMessages(options: BenchOptions): Promise<BenchRow[]> {
  const { params, timeoutMs } = plan(options);
  return rows(await runForEachStack<number>('datachannel-small-messages', params, timeoutMs));
}
