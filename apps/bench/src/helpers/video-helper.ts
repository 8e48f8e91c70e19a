// Helper process: one end of the video figure's call (`video-helper.js <stack> sender|receiver`).
// Each end times its own CPU (process.cpuUsage: user + system, every thread of this process, so a
// native stack's encoder and network threads count) from the moment the figure says start.
import { libwebrtcReceiver, libwebrtcSender } from '../video/libwebrtc.js';
import { oursReceiver, oursSender } from '../video/ours.js';
import type { VideoReceiver, VideoSender, VideoSetup } from '../video/video-peer.js';
import { weriftReceiver, weriftSender } from '../video/werift.js';
import { serveHelper } from './helper-process.js';

const senders: Record<string, (setup: VideoSetup) => Promise<VideoSender>> = { ours: oursSender, libwebrtc: libwebrtcSender, werift: weriftSender };
const receivers: Record<string, (setup: VideoSetup) => Promise<VideoReceiver>> = { ours: oursReceiver, libwebrtc: libwebrtcReceiver, werift: weriftReceiver };

/** What each end reports at the end. */
export interface VideoSideResult {
  cpuSeconds: number;
  frames: number;
  bytes: number;
}

const [stack, role] = process.argv.slice(2) as [string, 'sender' | 'receiver'];
let sender: VideoSender | undefined;
let receiver: VideoReceiver | undefined;
let setup: VideoSetup | undefined;
let cpuAtStart = process.cpuUsage();
let countsAtStart = { frames: 0, bytes: 0 };

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function end(): { connectionState(): string } {
  const e = sender ?? receiver;
  if (!e) throw new Error('setup first');
  return e;
}

serveHelper({
  setup: async (s: VideoSetup) => {
    setup = s;
    if (role === 'sender') {
      sender = await senders[stack]!(s);
      return sender.offer();
    }
    receiver = await receivers[stack]!(s);
    return undefined;
  },
  answer: (offer: string) => receiver!.answer(offer),
  accept: (answer: string) => sender!.accept(answer),
  connected: async () => {
    const deadline = performance.now() + 15_000;
    while (end().connectionState() !== 'connected') {
      if (performance.now() > deadline) throw new Error(`${stack} ${role}: connectionState ${end().connectionState()} after 15 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
  },
  /** Sends the clip in real time for `durationMs`, frame i at start + i / fps. */
  send: async ({ durationMs }: { durationMs: number }): Promise<VideoSideResult> => {
    const fps = setup!.spec.fps;
    const count = Math.round((durationMs / 1000) * fps);
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const due = start + (i * 1000) / fps;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sender!.sendFrame(i, Math.round((i * 1e6) / fps));
    }
    return { cpuSeconds: cpuSince(cpu), frames: count, bytes: 0 };
  },
  start: async () => {
    countsAtStart = await receiver!.counts();
    cpuAtStart = process.cpuUsage();
  },
  stop: async (): Promise<VideoSideResult> => {
    const cpuSeconds = cpuSince(cpuAtStart);
    const counts = await receiver!.counts();
    return { cpuSeconds, frames: counts.frames - countsAtStart.frames, bytes: counts.bytes - countsAtStart.bytes };
  },
});
