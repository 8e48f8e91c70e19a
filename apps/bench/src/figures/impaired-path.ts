// Data channel throughput over an impaired path, against TCP over the same path: 50 ms RTT, then
// 50 ms RTT with 1 % loss each way. The impairment is @x/netem's (this kernel has no netem qdisc):
// its UDP relay between the two peer connections (every candidate is rewritten to the relay's
// addresses), and for TCP its TCP relay, a split proxy whose impaired leg is an emulated Reno
// sender (apps/netem/README.md says what that model is and is not). Same seeds, same delay and
// loss for both. The relay runs in a helper process in the same namespace, off the peers' event loop.
// Bulk transfer of 16 KiB messages (TCP: 16 KiB writes) for a fixed time from the first send;
// MB/s at the receiver, slow start included, as for TCP.
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImpairmentModel, UdpEndpoint } from '@x/netem';
import type { BenchOptions, BenchRow } from '../figure.js';
import { HelperProcess } from '../helpers/helper-process.js';
import type { RelayCounters } from '../helpers/relay-helper.js';
import type { StackName } from '../peers/index.js';
import { runForEachStack, runInChild } from '../peers/spawn.js';
import { withCandidateAddress, type Stack } from '../peers/stack.js';
import { bulk } from './datachannel-throughput.js';

/** The 50 ms path, not the CPU, sets the pace: --quick runs it beside the other waiting figures. */
export const mostlyWaits = true;

const here = dirname(fileURLToPath(import.meta.url));
const SIZE = 16 * 1024;

interface Condition {
  label: string;
  model: ImpairmentModel;
}

const CONDITIONS: Condition[] = [
  { label: '50 ms RTT', model: { delayMs: 25, seed: 9 } },
  { label: '50 ms RTT, 1 % loss each way', model: { delayMs: 25, loss: 0.01, seed: 9 } },
];

interface Params {
  durationMs: number;
  transport: 'datachannel' | 'tcp';
  withoutStack?: boolean;
}

/** MB/s per condition label. */
type Rates = Record<string, number>;

async function channelThroughput(stack: Stack, relay: HelperProcess, model: ImpairmentModel, durationMs: number): Promise<number> {
  const r = await relay.request<{ addressForA: UdpEndpoint; addressForB: UdpEndpoint }>('udp', model);
  // The offerer (A) reaches the answerer through addressForA, and the answerer A through addressForB.
  const pair = await stack.connect({
    trickle: true,
    timeoutMs: 20_000,
    internetPacketSize: true,
    mapCandidate: (c, from) => {
      const to = from === 'offerer' ? r.addressForB : r.addressForA;
      return withCandidateAddress(c, to.address, to.port);
    },
  });
  const result = await bulk(pair.offerer, pair.answerer, Number.MAX_SAFE_INTEGER, SIZE, durationMs);
  const counters = await relay.request<RelayCounters>('close');
  if (process.env.BENCH_VERBOSE) process.stderr.write(`bench: impaired-path ${stack.name} relay: ${JSON.stringify(counters)}\n`);
  // Not awaited: a close with megabytes queued behind a closed relay can take long, and this child ends soon.
  void pair.close().catch(() => undefined);
  return result.mbps;
}

async function tcpThroughput(relay: HelperProcess, model: ImpairmentModel, durationMs: number): Promise<number> {
  let received = 0;
  const server = net.createServer((socket) => socket.on('data', (d: Buffer) => void (received += d.length)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const target = server.address() as net.AddressInfo;
  const r = await relay.request<{ address: string; port: number }>('tcp', { target: { address: target.address, port: target.port }, model });
  const client = net.connect(r.port, r.address);
  await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('error', reject));
  const chunk = Buffer.alloc(SIZE, 0x5a);
  let running = true;
  const pump = () => {
    while (running && client.write(chunk));
  };
  client.on('drain', pump);
  const start = performance.now();
  pump();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const mbps = received / 1e6 / ((performance.now() - start) / 1000);
  running = false;
  client.destroy();
  await relay.request<RelayCounters>('close');
  server.close();
  return mbps;
}

/** In the child: MB/s per condition, for the stack's data channel or for TCP. */
export async function measure(stack: Stack, params: Record<string, unknown>): Promise<Rates> {
  const { durationMs, transport } = params as unknown as Params;
  const relay = HelperProcess.start(join(here, '..', 'helpers', 'relay-helper.js'));
  const out: Rates = {};
  try {
    for (const { label, model } of CONDITIONS) {
      out[label] = transport === 'tcp' ? await tcpThroughput(relay, model, durationMs) : await channelThroughput(stack, relay, model, durationMs);
    }
  } finally {
    relay.kill();
  }
  return out;
}

export default async function impairedPath({ quick }: BenchOptions): Promise<BenchRow[]> {
  const durationMs = quick ? 1000 : 6000;
  const timeoutMs = CONDITIONS.length * (durationMs + 25_000) + 10_000;
  const channel: Params = { durationMs, transport: 'datachannel' };
  const tcpParams: Params = { durationMs, transport: 'tcp', withoutStack: true };
  // In --quick every child runs at once (a smoke test); in a full run one after another.
  const runTcp = () => runInChild<Rates>('impaired-path', 'ours', tcpParams, timeoutMs);
  const [channels, tcpRates] = quick
    ? await Promise.all([runForEachStack<Rates>('impaired-path', channel, timeoutMs, { parallel: true }), runTcp()])
    : [await runForEachStack<Rates>('impaired-path', channel, timeoutMs), await runTcp()];
  const seconds = durationMs / 1000;
  const rows: BenchRow[] = [];
  for (const { label } of CONDITIONS) {
    const rate = (stack: StackName) => channels[stack]?.[label];
    const tcpRate = tcpRates?.[label];
    const ofTcp = (v: number | undefined) => (v === undefined || !tcpRate ? undefined : v / tcpRate);
    rows.push({
      figure: `data channel through the netem relay, ${label}, 16 KiB messages for ${seconds} s (TCP: emulated Reno over the same path)`,
      unit: 'MB/s',
      higherIsBetter: true,
      ours: rate('ours'),
      anchors: { libwebrtc: rate('libwebrtc'), libdatachannel: rate('libdatachannel'), werift: rate('werift'), TCP: tcpRate },
    });
    rows.push({
      figure: `  same, as a fraction of TCP's throughput on that path`,
      unit: '× TCP',
      higherIsBetter: true,
      ours: ofTcp(rate('ours')),
      anchors: { libwebrtc: ofTcp(rate('libwebrtc')), libdatachannel: ofTcp(rate('libdatachannel')), werift: ofTcp(rate('werift')) },
    });
  }
  return rows;
}
