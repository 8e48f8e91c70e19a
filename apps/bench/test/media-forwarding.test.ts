// The media-forwarding figure's plumbing, through the built dist/: a publisher, a forwarder (ours,
// and Pion's Go forwarder) and two subscribers in one child, each subscriber counting what the
// forwarder passed on. No speed is asserted: only that packets reached the forwarder and every
// subscriber, and that a CPU time came back. Needs ffmpeg (the clip) and, for Pion, Go with
// Debian's Pion sources; skips without, fails under CI=true.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

type Spawn = typeof import('../src/peers/spawn.js');
type Clip = typeof import('../src/video/clip.js');
type PionSfu = typeof import('../src/peers/pion-sfu.js');

interface Result {
  cpuMicros: number;
  packetsIn: number;
  perSubscriber: number[];
}

const noFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0;
if (noFfmpeg && process.env['CI'] === 'true') throw new Error('the media-forwarding figure cannot run under CI: ffmpeg is missing');

describe.skipIf(noFfmpeg)('the media-forwarding figure', () => {
  const run = async (forwarder: 'ours' | 'pion', pionBinary?: string) => {
    const { runInChild } = (await import('../dist/peers/spawn.js' as string)) as Spawn;
    const { prepareClip } = (await import('../dist/video/clip.js' as string)) as Clip;
    const spec = { width: 1280, height: 720, fps: 30, bitsPerSecond: 2_500_000, seconds: 2 };
    const files = await prepareClip(spec);
    const params = { forwarder, pionBinary, subscribers: 2, windowMs: 500, spec, files, withoutStack: true };
    const result = await runInChild<Result>('media-forwarding', 'ours', params, 60_000);
    expect(result).toBeDefined();
    expect(result!.packetsIn).toBeGreaterThan(0);
    expect(result!.perSubscriber).toHaveLength(2);
    for (const packets of result!.perSubscriber) expect(packets).toBeGreaterThan(0);
    expect(result!.cpuMicros).toBeGreaterThan(0);
  };

  it('ours forwards the publisher’s RTP to every subscriber', () => run('ours'), 90_000);

  it('Pion forwards the publisher’s RTP to every subscriber', async (context) => {
    const { buildPionSfu } = (await import('../dist/peers/pion-sfu.js' as string)) as PionSfu;
    const built = buildPionSfu();
    if ('error' in built) {
      if (process.env['CI'] === 'true') throw new Error(built.error);
      return context.skip();
    }
    await run('pion', built.binary);
  }, 240_000);
});
