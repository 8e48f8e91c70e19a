// One VP8 video track at 2.5 Mbit/s (1280×720, 30 fps) sent in real time for 30 s (quick: 2 s):
// CPU seconds of the sending process and of the receiving process, each its own process (helpers
// forked in the stack's child, so both share its loopback-only namespace), counted from the start
// of sending to 0.5 s after the last frame. Ours sends the pre-encoded frames of an ffmpeg/libvpx
// clip through a track's writeFrame and counts depacketized frames at the far track; werift gets
// the same frames cut by its own VP8 packetizer into writeRtp and depacketizes with its own
// depacketizer; libwebrtc (@roamhq/wrtc) can only take raw I420 frames, which it encodes itself,
// and hands decoded frames to a sink, so its CPU includes a VP8 encoder and decoder: it is shown
// in rows of its own. Frames received and the bitrate carried say whether each moved the video.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchRow } from '../figure.js';
import { HelperProcess } from '../helpers/helper-process.js';
import type { VideoSideResult } from '../helpers/video-helper.js';
import type { StackName } from '../peers/index.js';
import { runForEachStack } from '../peers/spawn.js';
import type { Stack } from '../peers/stack.js';
import { prepareClip, type ClipSpec } from '../video/clip.js';
import type { VideoSetup } from '../video/video-peer.js';

/** Real-time sending: --quick runs it beside the other waiting figures. */
export const mostlyWaits = true;

const here = dirname(fileURLToPath(import.meta.url));
const STACKS: StackName[] = ['ours', 'werift', 'libwebrtc'];

interface Params extends VideoSetup {
  durationMs: number;
  withoutStack: true;
}

interface Result {
  sender: VideoSideResult;
  receiver: VideoSideResult;
}

/** In the child: a sender and a receiver process of `stack`, connected, then the clip sent in real time. */
export async function measure(stack: Stack, params: Record<string, unknown>): Promise<Result> {
  const { durationMs, spec, files } = params as unknown as Params;
  const helper = join(here, '..', 'helpers', 'video-helper.js');
  const sender = HelperProcess.start(helper, [stack.name, 'sender']);
  const receiver = HelperProcess.start(helper, [stack.name, 'receiver']);
  try {
    const setup: VideoSetup = { spec, files };
    const [offer] = await Promise.all([sender.request<string>('setup', setup), receiver.request('setup', setup)]);
    const answer = await receiver.request<string>('answer', offer);
    await sender.request('accept', answer);
    await Promise.all([sender.request('connected'), receiver.request('connected')]);
    await receiver.request('start');
    const sent = await sender.request<VideoSideResult>('send', { durationMs });
    // Frames still in flight (and libwebrtc's decoder) get half a second to land.
    await new Promise((r) => setTimeout(r, 500));
    return { sender: sent, receiver: await receiver.request<VideoSideResult>('stop') };
  } finally {
    sender.kill();
    receiver.kill();
  }
}

export default async function videoCpu({ quick }: BenchOptions): Promise<BenchRow[]> {
  const spec: ClipSpec = { width: 1280, height: 720, fps: 30, bitsPerSecond: 2_500_000, seconds: quick ? 2 : 10 };
  const durationMs = quick ? 2000 : 30_000;
  const files = await prepareClip(spec).catch((error: unknown) => {
    process.stderr.write(`bench: video-cpu: no clip (${error instanceof Error ? error.message : String(error)}); is ffmpeg with libvpx installed?\n`);
    return undefined;
  });
  const params: Params | undefined = files && { spec, files, durationMs, withoutStack: true };
  // The ends pace themselves in real time and mostly wait, so in --quick the stacks run at once.
  const results = params
    ? await runForEachStack<Result>('video-cpu', params, durationMs + 60_000, { stacks: STACKS, parallel: quick })
    : ({} as Partial<Record<StackName, Result>>);
  const pick = (f: (r: Result) => number) => (stack: StackName) => (results[stack] ? f(results[stack]!) : undefined);
  const sender = pick((r) => r.sender.cpuSeconds);
  const receiver = pick((r) => r.receiver.cpuSeconds);
  const frames = pick((r) => r.receiver.frames);
  const mbits = pick((r) => (r.receiver.bytes * 8) / 1e6 / (durationMs / 1000));
  const sent = Math.round((durationMs / 1000) * spec.fps);
  const what = `VP8 video ${spec.bitsPerSecond / 1e6} Mbit/s ${spec.width}×${spec.height} ${spec.fps} fps for ${durationMs / 1000} s`;
  const row = (figure: string, unit: string, higherIsBetter: boolean, value: (s: StackName) => number | undefined, anchors: StackName[]): BenchRow => ({
    figure,
    unit,
    higherIsBetter,
    ours: value('ours'),
    anchors: Object.fromEntries(anchors.map((a) => [a, value(a)])),
  });
  return [
    row(`${what}: sender CPU (pre-encoded frames; werift: its VP8 packetizer + writeRtp)`, 'CPU s', false, sender, ['werift']),
    row(`${what}: receiver CPU (to depacketized frames)`, 'CPU s', false, receiver, ['werift']),
    row(`  same, sender CPU; libwebrtc encodes the I420 picture itself (VP8 encoder included)`, 'CPU s', false, sender, ['libwebrtc']),
    row(`  same, receiver CPU; libwebrtc decodes (VP8 decoder included)`, 'CPU s', false, receiver, ['libwebrtc']),
    row(`${what}: frames received of ${sent} sent`, 'frames', true, frames, ['werift', 'libwebrtc']),
    row(`${what}: bitrate received (frame bytes; libwebrtc: RTP payload and headers)`, 'Mbit/s', true, mbits, ['werift', 'libwebrtc']),
  ];
}
