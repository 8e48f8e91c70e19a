/**
 * The impairment test between network namespaces: peer A and peer B (each its own process) in
 * namespaces of their own, joined by veth pairs (MTU 1500) to a third namespace where @x/netem's
 * relay runs with the full profile. Skipped where namespaces cannot be made (not root);
 * the loopback variant in impairment.test.ts runs everywhere. The 32 MiB under this
 * profile is the soak (src/soak.ts), which `.ci/run` runs beside the tests.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTopology, type Topology } from '../src/netns.js';
import { namespaceTransfer } from '../src/ns-transfer.js';

const built = existsSync(fileURLToPath(new URL('../dist/ns-peer.js', import.meta.url)));

let topology: Topology | undefined;
let why = '';
try {
  if (!built) throw new Error('build first: pnpm --filter @x/robustness build');
  topology = makeTopology(String(process.pid));
} catch (e) {
  why = (e as Error).message;
}
if (topology === undefined && process.env['CI'] === 'true' && process.getuid?.() === 0) throw new Error(`network namespaces could not be made as root: ${why}`);
afterAll(() => topology?.remove());

describe.skipIf(topology === undefined)('between network namespaces, through the relay in a third', () => {
  it('the full profile (10 % loss, 100 ± 20 ms, reordering, duplication, 4 Mbit/s): 1 MiB arrives bit-exact', async () => {
    const t = topology!;
    const bytes = 1 << 20;
    const r = await namespaceTransfer(t, { bytes, profile: 'fullProfile' });
    expect(r.gathered).toEqual({ a: t.addressA, b: t.addressB });
    expect(r.sent.sent).toBe(bytes);
    expect(r.received.received).toBe(bytes);
    expect(r.received.sha256).toBe(r.sent.sha256);
    expect(r.relay.aToB.droppedLoss / r.relay.aToB.received).toBeGreaterThan(0.05);
    expect(r.relay.aToB.duplicated).toBeGreaterThan(0);
    expect(r.relay.bToA.droppedLoss).toBeGreaterThan(0);
    expect(r.relay.aToB.receivedBytes / r.relay.aToB.received).toBeLessThan(1500);
    console.log(`namespaces, full profile, 1 MiB in ${r.seconds.toFixed(1)} s: relay a→b`, r.relay.aToB);
  }, 170_000);
});
