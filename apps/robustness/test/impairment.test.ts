/**
 * Two of our peers whose only path crosses @x/netem's UDP relay on real loopback sockets: the
 * issue's full profile with a 1 MiB transfer, 32 MiB under a milder profile, and VP8 under 5 %
 * loss and under the full profile, repaired by NACK/RTX. Each test waits on the network, not the CPU, so they run concurrently.
 */
import type { EncodedFrame, RTCStats } from '@x/peerconnection';
import { describe, expect, it } from 'vitest';
import { canMakeNamespaces } from '../src/netns.js';
import { fullProfile, internetPathConfiguration, mildProfile } from '../src/profiles.js';
import { bulkChannels, videoTrack } from '../src/pair-contents.js';
import { connected, relayedPair } from '../src/relayed-pair.js';
import { transfer } from '../src/transfer.js';
import { encodeVp8, isVp8Keyframe } from '../src/vp8-frames.js';

function statsOf(report: ReadonlyMap<string, RTCStats>, type: string): RTCStats[] {
  return [...report.values()].filter((s) => s.type === type);
}

// netns.test.ts runs the full profile between network namespaces; where they cannot be made,
// this loopback variant runs instead.
const namespaces = canMakeNamespaces();

describe.concurrent('through the impairment relay on loopback', () => {
  it.skipIf(namespaces)('the full profile (10 % loss, 100 ± 20 ms, reordering, duplication, 4 Mbit/s): 1 MiB arrives bit-exact', async () => {
    const channels = bulkChannels();
    const pair = await relayedPair({ model: fullProfile, configuration: internetPathConfiguration, prepare: channels.prepare });
    try {
      await Promise.all([connected(pair.a), connected(pair.b)]);
      const [tx, rx] = channels.ends();
      const result = await transfer(tx, rx, { bytes: 1 << 20, chunk: 16384, highWater: 256 << 10 });
      expect(result.bytes).toBe(1 << 20);
      expect(result.receivedSha256).toBe(result.sentSha256);
      // The relay really did impair both directions.
      const { aToB, bToA } = pair.relay.stats;
      // Many datagrams of at most a path MTU each, not a few large ones.
      expect(aToB.receivedBytes / aToB.received).toBeLessThan(1500);
      expect(aToB.droppedLoss / aToB.received).toBeGreaterThan(0.05);
      expect(aToB.duplicated).toBeGreaterThan(0);
      expect(aToB.reordered).toBeGreaterThan(0);
      expect(bToA.droppedLoss).toBeGreaterThan(0);
      console.log(`full profile: 1 MiB in ${result.seconds.toFixed(1)} s (${(result.bytes / 1024 / result.seconds).toFixed(1)} KiB/s); relay a→b`, { ...aToB });
    } finally {
      await pair.close();
    }
  }, 170_000);

  it('a milder profile (1 % loss, 5 ± 2 ms, reordering, duplication): 32 MiB arrives bit-exact', async () => {
    const channels = bulkChannels();
    const pair = await relayedPair({ model: mildProfile, configuration: internetPathConfiguration, prepare: channels.prepare });
    try {
      await Promise.all([connected(pair.a), connected(pair.b)]);
      const [tx, rx] = channels.ends();
      const result = await transfer(tx, rx, { bytes: 32 << 20 });
      expect(result.bytes).toBe(32 << 20);
      expect(result.receivedSha256).toBe(result.sentSha256);
      expect(pair.relay.stats.aToB.droppedLoss).toBeGreaterThan(0);
      console.log(`mild profile: 32 MiB in ${result.seconds.toFixed(1)} s (${(result.bytes / 1024 / result.seconds).toFixed(0)} KiB/s)`);
    } finally {
      await pair.close();
    }
  }, 170_000);
});

// Not beside the 32 MiB transfer: frames are written at the camera's pace, and a CPU saturated by
// the bulk transfer stretches the run past its time without saying anything about NACK.
describe('VP8 through the impairment relay on loopback', () => {
  it('VP8 under 5 % loss keeps decoding: every frame arrives complete and bit-exact, repaired by NACK over RTX', async () => {
    const frames = encodeVp8(4, { size: '640x480', bitrate: '1500k', noise: true });
    expect(frames.length).toBeGreaterThanOrEqual(100);
    const video = videoTrack();
    const pair = await relayedPair({ model: { loss: 0.05, delayMs: 20, jitterMs: 5, keepOrder: true, seed: 5 }, prepare: video.prepare });
    try {
      await Promise.all([connected(pair.a), connected(pair.b)]);
      const track = await video.remote();
      const got: EncodedFrame[] = [];
      const all = new Promise<void>((resolve) => {
        track.onFrame = (f) => {
          got.push(f);
          if (got.length === frames.length) resolve();
        };
      });
      // At the camera's pace, so NACKs and retransmissions happen while later frames flow. The
      // stream goes on after the frames checked, as a camera's does: a lost last packet is only
      // seen missing when a later one arrives (tail loss), and NACK cannot ask for what it cannot see.
      const trailer = frames.slice(0, 10);
      const stream = [...frames, ...trailer];
      for (let i = 0; i < stream.length; i++) {
        video.local.writeFrame(stream[i]!, { timestamp: i * 33_333, keyframe: isVp8Keyframe(stream[i]!) });
        await new Promise((resolve) => setTimeout(resolve, 33));
      }
      // Not a hang when a frame never comes: say which ones did not.
      const late = await Promise.race([all.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 30_000))]);
      if (late) {
        const inbound = statsOf(await pair.b.getStats(), 'inbound-rtp').find((s) => s['kind'] === 'video');
        const missing = frames.flatMap((f, i) => (got.some((g) => Buffer.from(g.data).equals(Buffer.from(f))) ? [] : [i]));
        expect.fail(`${got.length} of ${frames.length} frames within 30 s of the last write, missing ${missing.join(',')}; receiver ${JSON.stringify(inbound)}`);
      }
      expect(got.slice(0, frames.length).map((f, i) => Buffer.from(f.data).equals(Buffer.from(frames[i]!)))).toEqual(frames.map(() => true));
      expect(pair.relay.stats.aToB.droppedLoss).toBeGreaterThan(5);
      const [sent, received] = await Promise.all([pair.a.getStats(), pair.b.getStats()]);
      const inbound = statsOf(received, 'inbound-rtp').find((s) => s['kind'] === 'video')!;
      const outbound = statsOf(sent, 'outbound-rtp').find((s) => s['kind'] === 'video')!;
      expect(inbound['nackCount']).toBeGreaterThan(0);
      expect(outbound['nackCount']).toBeGreaterThan(0);
      expect(outbound['retransmittedPacketsSent']).toBeGreaterThan(0);
      expect(inbound['framesReceived']).toBeGreaterThanOrEqual(frames.length);
      console.log(`VP8: ${frames.length} frames, relay dropped ${pair.relay.stats.aToB.droppedLoss} of ${pair.relay.stats.aToB.received}; NACKs sent ${String(inbound['nackCount'])}, retransmitted ${String(outbound['retransmittedPacketsSent'])}`);
    } finally {
      await pair.close();
    }
  }, 120_000);

  it('VP8 under the full profile (10 % loss, 100 ± 20 ms, reordering, duplication, 4 Mbit/s) keeps decoding: nearly every frame, the first and the last among them, bit-exact through NACK and pacing', async () => {
    const frames = encodeVp8(4, { size: '640x480', bitrate: '1500k', noise: true });
    const video = videoTrack();
    const pair = await relayedPair({ model: fullProfile, prepare: video.prepare });
    try {
      await Promise.all([connected(pair.a), connected(pair.b)]);
      const track = await video.remote();
      const got = new Set<string>();
      const key = (d: Uint8Array): string => Buffer.from(d).toString('base64');
      const lastOnes = frames.slice(-5).map(key);
      const ended = new Promise<void>((resolve) => {
        track.onFrame = (f) => {
          got.add(key(f.data));
          if (lastOnes.every((k) => got.has(k))) resolve();
        };
      });
      // The camera's pace, and on past the checked frames (see the 5 % test).
      const stream = [...frames, ...frames.slice(0, 15)];
      for (let i = 0; i < stream.length; i++) {
        video.local.writeFrame(stream[i]!, { timestamp: i * 33_333, keyframe: isVp8Keyframe(stream[i]!) });
        await new Promise((resolve) => setTimeout(resolve, 33));
      }
      await Promise.race([ended, new Promise((r) => setTimeout(r, 30_000))]);
      const arrived = frames.map((f) => got.has(key(f)));
      const [sent, received] = await Promise.all([pair.a.getStats(), pair.b.getStats()]);
      const inbound = statsOf(received, 'inbound-rtp').find((s) => s['kind'] === 'video')!;
      const outbound = statsOf(sent, 'outbound-rtp').find((s) => s['kind'] === 'video')!;
      const { aToB } = pair.relay.stats;
      console.log(`VP8, full profile: ${arrived.filter(Boolean).length} of ${frames.length} frames bit-exact; relay a→b lost ${aToB.droppedLoss}, queue-dropped ${aToB.droppedQueue} of ${aToB.received}; NACKs ${String(inbound['nackCount'])}, retransmitted ${String(outbound['retransmittedPacketsSent'])}`);
      // The loss was real, and NACK over RTX repaired it.
      expect(aToB.droppedLoss / aToB.received).toBeGreaterThan(0.05);
      expect(inbound['nackCount']).toBeGreaterThan(0);
      expect(outbound['retransmittedPacketsSent']).toBeGreaterThan(0);
      // Decoding starts at the first keyframe and keeps going to the end.
      expect(arrived[0]).toBe(true);
      expect(arrived.slice(-5)).toEqual([true, true, true, true, true]);
      expect(arrived.filter(Boolean).length).toBeGreaterThanOrEqual(Math.ceil(0.95 * frames.length));
    } finally {
      await pair.close();
    }
  }, 120_000);
});
