// The long-path figure's plumbing end to end, through the built dist/ (as `pnpm bench` runs it):
// a TUN link between two namespaces, both ends of a transfer in them, signaling carried by the
// figure, the receiver's bytes and the sender's congestion trace back. No speed is asserted:
// only that bytes crossed the impaired link, and that the trace is the sender's real state.
// Needs root and Go (the link's relay); skips without, fails under CI=true.
import { describe, expect, it } from 'vitest';
import { tunLinkUnavailable } from '@x/netem';

type LongPath = typeof import('../src/figures/long-path.js');

const unavailable = tunLinkUnavailable();
if (unavailable !== undefined && process.env['CI'] === 'true') throw new Error(`the long-path figure cannot run under CI: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('a long-path transfer', () => {
  for (const transport of ['tcp', 'ours'] as const) {
    it(`${transport}: bytes cross the lossy link, the sender's congestion window is traced, the relay counts the losses`, async () => {
      const { PROFILES, runOne } = (await import('../dist/figures/long-path.js' as string)) as LongPath;
      const lossy = PROFILES.find((p) => p.model.loss === 0.01)!;
      const run = await runOne(lossy, transport, 1500);
      expect(run.error).toBeUndefined();
      expect(run.mbps).toBeGreaterThan(0);
      // The rate is the bytes in the window's bins over the window.
      expect(run.bins!.reduce((a, b) => a + b, 0) / 1e6 / 1.5).toBeCloseTo(run.mbps!, 6);
      expect(run.samples!.length).toBeGreaterThan(0);
      for (const s of run.samples!) expect(s.cwnd).toBeGreaterThan(0);
      // 1 % of the data packets each way were dropped by the link, and the sender repaired some.
      expect(run.final!.aToB.droppedLoss).toBeGreaterThan(0);
      expect(run.samples!.at(-1)!.retransmits).toBeGreaterThan(0);
    }, 120_000);
  }
});
