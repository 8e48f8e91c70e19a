// The figures' plumbing end to end, through the built dist/ (as `pnpm bench` runs it): a child
// process (under `unshare -n` when root), its helper process, a netem relay, a JSON result.
// No speed is asserted: only that a well-formed number comes back for every condition.
import { describe, expect, it } from 'vitest';

type Spawn = typeof import('../src/peers/spawn.js');

describe('a figure child', () => {
  it('measures TCP through the netem relay under both impairments and returns JSON', async () => {
    const { runInChild } = (await import('../dist/peers/spawn.js' as string)) as Spawn;
    const result = await runInChild<Record<string, number>>('impaired-path', 'ours', { transport: 'tcp', withoutStack: true, durationMs: 300 }, 30_000);
    expect(result).toBeDefined();
    expect(Object.keys(result!)).toEqual(['50 ms RTT', '50 ms RTT, 1 % loss each way']);
    for (const mbps of Object.values(result!)) {
      expect(Number.isFinite(mbps)).toBe(true);
      expect(mbps).toBeGreaterThan(0);
    }
  });
});
