// Media forwarding, SFU-shaped: a publisher (ours) sends the pre-encoded VP8 clip at 2.5 Mbit/s in
// real time to a forwarding process, which forwards every RTP packet to N subscriber connections
// (N = 1, 10, 50; all subscribers in one other process of ours, each counting the packets it
// gets). Measured: the forwarder process's CPU (user + system, every thread) over a window of
// real-time sending after every connection is up, divided by the packets the subscribers received
// in that window. Ours forwards with remote track onRtp → one local track's writeRtp, the track
// added to the N connections; the anchor is Pion (Debian's v3) doing the same with its broadcast
// pattern (TrackRemote.Read → one TrackLocalStaticRTP.Write, the track added to the N
// connections), in the same run. Every process is forked from one child, so all share its
// loopback-only namespace.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchRow } from '../figure.js';
import { HelperProcess } from '../helpers/helper-process.js';
import type { ForwarderWindow } from '../helpers/sfu-helper.js';
import { buildPionSfu, PionSfuProcess } from '../peers/pion-sfu.js';
import { runInChild } from '../peers/spawn.js';
import type { Stack } from '../peers/stack.js';
import { prepareClip, type ClipFiles, type ClipSpec } from '../video/clip.js';

/** Real-time sending: --quick runs it beside the other waiting figures (a full run: alone). */
export const mostlyWaits = true;

const here = dirname(fileURLToPath(import.meta.url));
const COUNTS = [1, 10, 50];
type Forwarder = 'ours' | 'pion';

interface Params {
  forwarder: Forwarder;
  /** The Pion forwarder's binary (built by the figure, before the children start). */
  pionBinary?: string;
  subscribers: number;
  windowMs: number;
  spec: ClipSpec;
  files: ClipFiles;
  withoutStack: true;
}

interface Result extends ForwarderWindow {
  /** Packets each subscriber received in the window. */
  perSubscriber: number[];
  /** The SRTP profile of the forwarder → first subscriber connection. */
  srtpCipher?: string;
}

interface Driven {
  request<T>(method: string, argument?: unknown): Promise<T>;
  kill(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** In the child: publisher, forwarder and subscribers, connected; then one measured window. */
export async function measure(_stack: Stack, params: Record<string, unknown>): Promise<Result> {
  const { forwarder: which, pionBinary, subscribers: n, windowMs, spec, files } = params as unknown as Params;
  const helpers = join(here, '..', 'helpers');
  const publisher = HelperProcess.start(join(helpers, 'video-helper.js'), ['ours', 'sender']);
  const subscribers = HelperProcess.start(join(helpers, 'sfu-helper.js'), ['subscribers']);
  const forwarder: Driven = which === 'pion' ? PionSfuProcess.start(pionBinary!) : HelperProcess.start(join(helpers, 'sfu-helper.js'), ['forwarder']);
  try {
    const offer = await publisher.request<string>('setup', { spec, files });
    await publisher.request('accept', await forwarder.request<string>('publisher', offer));
    const offers = await forwarder.request<string[]>('subscribers', n);
    await forwarder.request('answers', await subscribers.request<string[]>('answer', offers));
    await Promise.all([publisher.request('connected'), subscribers.request('connected'), forwarder.request('connected')]);
    // A second of sending before the window (first packets, JIT, the receivers' first RTCP), and
    // half a second after it, so the window sees steady forwarding only.
    const warmupMs = 1000;
    const sending = publisher.request('send', { durationMs: warmupMs + windowMs + 500 });
    await sleep(warmupMs);
    await Promise.all([forwarder.request('start'), subscribers.request('start')]);
    await sleep(windowMs);
    const [window, perSubscriber] = await Promise.all([forwarder.request<ForwarderWindow>('stop'), subscribers.request<number[]>('stop')]);
    await sending;
    const srtpCipher = await subscribers.request<string | undefined>('cipher');
    return { ...window, perSubscriber, ...(srtpCipher ? { srtpCipher } : {}) };
  } finally {
    publisher.kill();
    subscribers.kill();
    forwarder.kill();
  }
}

export default async function mediaForwarding({ quick }: BenchOptions): Promise<BenchRow[]> {
  const spec: ClipSpec = { width: 1280, height: 720, fps: 30, bitsPerSecond: 2_500_000, seconds: quick ? 2 : 10 };
  const windowMs = quick ? 2000 : 10_000;
  const files = await prepareClip(spec).catch((error: unknown) => {
    process.stderr.write(`bench: media-forwarding: no clip (${error instanceof Error ? error.message : String(error)}); is ffmpeg with libvpx installed?\n`);
    return undefined;
  });
  const pion = buildPionSfu();
  if ('error' in pion) process.stderr.write(`bench: media-forwarding: no Pion forwarder (${pion.error})\n`);
  const results = new Map<string, Result | undefined>();
  // One child per forwarder and N, one after the other: the forwarder's CPU is what is measured.
  for (const subscribers of COUNTS) {
    for (const forwarder of ['ours', 'pion'] as const) {
      if (!files || (forwarder === 'pion' && 'error' in pion)) continue;
      const params: Params = { forwarder, subscribers, windowMs, spec, files, withoutStack: true, ...('binary' in pion ? { pionBinary: pion.binary } : {}) };
      const result = await runInChild<Result>('media-forwarding', 'ours', params, windowMs + 90_000);
      if (process.env.BENCH_VERBOSE && result) process.stderr.write(`bench: media-forwarding ${forwarder} N=${subscribers}: ${JSON.stringify({ ...result, perSubscriber: undefined })}\n`);
      results.set(`${forwarder}-${subscribers}`, result);
    }
  }
  const what = (n: number) => `VP8 ${spec.bitsPerSecond / 1e6} Mbit/s forwarded to ${n} subscriber${n === 1 ? '' : 's'}`;
  const value = (forwarder: Forwarder, n: number, f: (r: Result) => number) => {
    const r = results.get(`${forwarder}-${n}`);
    return r && r.perSubscriber.length === n ? f(r) : undefined;
  };
  const perPacket = (r: Result) => r.cpuMicros / Math.max(1, r.perSubscriber.reduce((a, b) => a + b, 0));
  // The sanity check: the subscriber that got least, against what reached the forwarder.
  const delivered = (r: Result) => (100 * Math.min(...r.perSubscriber)) / Math.max(1, r.packetsIn);
  return COUNTS.flatMap((n): BenchRow[] => [
    {
      figure: `${what(n)}: forwarder CPU per forwarded packet (${windowMs / 1000} s window)`,
      unit: 'µs',
      higherIsBetter: false,
      ours: value('ours', n, perPacket),
      anchors: { pion: value('pion', n, perPacket) },
    },
    {
      figure: `  same, packets the least-served subscriber got, of those the forwarder received`,
      unit: '%',
      higherIsBetter: true,
      ours: value('ours', n, delivered),
      anchors: { pion: value('pion', n, delivered) },
    },
  ]);
}
