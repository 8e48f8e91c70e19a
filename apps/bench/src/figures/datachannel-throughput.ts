// Reliable ordered data channel bulk transfer between two peer connections of one stack in one
// process on 127.0.0.1: 16 KiB and 64 KiB messages, the sender paced by bufferedAmount (refilled to
// 4 MiB whenever `bufferedamountlow` says it fell to 1 MiB), MB/s (10^6 bytes/s) at the receiver.
// Each stack runs in its own child process; one new pair per message size.
import type { BenchOptions, BenchRow } from '../figure.js';
import { peerRow } from '../peers/rows.js';
import { runForEachStack, type ChildPlan } from '../peers/spawn.js';
import type { StackName } from '../peers/index.js';
import type { PeerChannel, Stack } from '../peers/stack.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const SIZES = [16 * KiB, 64 * KiB];

/** Bulk transfer from `sender` to `receiver`: MB/s at the receiver (over what arrived by `capMs` if it is not all there). */
export function bulk(sender: PeerChannel, receiver: PeerChannel, total: number, size: number, capMs: number, low = 1 * MiB, high = 4 * MiB): Promise<{ mbps: number; messages: number; complete: boolean }> {
  const message = new Uint8Array(size).fill(0x5a);
  let sent = 0;
  let received = 0;
  let messages = 0;
  return new Promise((resolve) => {
    const start = performance.now();
    const finish = (complete: boolean) => {
      clearInterval(poll);
      clearTimeout(cap);
      const seconds = (performance.now() - start) / 1000;
      resolve({ mbps: received / 1e6 / seconds, messages, complete });
    };
    receiver.onMessage((bytes) => {
      received += bytes;
      messages++;
      if (received >= total) finish(true);
    });
    // The budget is read once per refill: libwebrtc raises bufferedAmount on its own thread, so a
    // loop that re-reads it may never see it grow.
    const pump = () => {
      for (let budget = high - sender.bufferedAmount(); budget > 0 && sent < total; budget -= size) {
        sender.send(message);
        sent += size;
      }
    };
    sender.setBufferedAmountLowThreshold(low);
    sender.onBufferedAmountLow(pump);
    // In case a stack's bufferedamountlow is late or missing, so a slow event does not stall the run.
    const poll = setInterval(pump, 20);
    const cap = setTimeout(() => finish(false), capMs);
    pump();
  });
}

interface Params {
  total: number;
  capMs: number;
}

/** In the child: MB/s per message size (by size in bytes). */
export async function measure(stack: Stack, params: Record<string, unknown>): Promise<Record<number, number>> {
  const { total, capMs } = params as unknown as Params;
  const out: Record<number, number> = {};
  for (const size of SIZES) {
    const pair = await stack.connect({ trickle: true });
    const r = await bulk(pair.offerer, pair.answerer, total, size, capMs);
    if (!r.complete) process.stderr.write(`${stack.name}: ${size} B: ${r.messages} messages by the cap\n`);
    out[size] = r.mbps;
    // The last pair is left to the end of the child process (a close with megabytes queued can take seconds).
    if (size !== SIZES[SIZES.length - 1]) await pair.close();
  }
  return out;
}

/** Child parameters and time limit. */
export function plan({ quick }: BenchOptions): ChildPlan {
  const params: Params = { total: (quick ? 2 : 32) * MiB, capMs: quick ? 1000 : 20_000 };
  return { params, timeoutMs: 2 * params.capMs + 20_000 };
}

export default async function datachannelThroughput(options: BenchOptions): Promise<BenchRow[]> {
  const { params, timeoutMs } = plan(options);
  return rows(await runForEachStack<Record<number, number>>('datachannel-throughput', params, timeoutMs), options);
}

/** The rows from every stack's result. */
export function rows(results: Partial<Record<StackName, Record<number, number>>>, options: BenchOptions): BenchRow[] {
  const params = plan(options).params as Params;
  return SIZES.map((size) => {
    const values = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v?.[size]]));
    return peerRow(`data channel bulk, reliable ordered, ${size / KiB} KiB messages, ${params.total / MiB} MiB`, 'MB/s', true, values);
  });
}
