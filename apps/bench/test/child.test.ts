// The figures' plumbing end to end, through the built dist/ (as `pnpm bench` runs it): a child
// process (under `unshare -n` when root) that loads a stack, runs a figure's measure() and returns
// JSON. No speed is asserted: only that a well-formed number comes back for every message size.
import { describe, expect, it } from 'vitest';

type Spawn = typeof import('../src/peers/spawn.js');

describe('a figure child', () => {
  it("runs ours' bulk transfer and returns JSON", async () => {
    const { runInChild } = (await import('../dist/peers/spawn.js' as string)) as Spawn;
    const result = await runInChild<Record<string, number>>('datachannel-throughput', 'ours', { total: 256 * 1024, capMs: 10_000 }, 30_000);
    expect(result).toBeDefined();
    expect(Object.keys(result!)).toEqual(['16384', '65536']);
    for (const mbps of Object.values(result!)) {
      expect(Number.isFinite(mbps)).toBe(true);
      expect(mbps).toBeGreaterThan(0);
    }
  });
});
