/**
 * `pnpm --filter @x/robustness soak`: the 32 MiB over a data channel between two of our
 * peers through the full impairment profile (10 % loss, 100 ± 20 ms each way, reordering,
 * duplication, 4 Mbit/s), checked bit-exact by SHA-256. Between network namespaces where they can
 * be made (root), else through the relay on loopback. At about 20 kB/s (what any TCP-friendly
 * congestion control gets from 10 % loss at a 200 ms round trip) this takes about 28 minutes, so
 * it is not in `pnpm test`: `.ci/run` runs it beside the tests. SOAK_MIB sets another size.
 * Prints a JSON line with the result; exits 0 when every byte arrived intact.
 */
import { canMakeNamespaces, makeTopology } from './netns.js';
import { namespaceTransfer } from './ns-transfer.js';
import { bulkChannels } from './pair-contents.js';
import { fullProfile, internetPathConfiguration } from './profiles.js';
import { connected, relayedPair } from './relayed-pair.js';
import { transfer } from './transfer.js';

const mib = Number(process.env['SOAK_MIB'] ?? 32);
const bytes = mib * 2 ** 20;
const started = performance.now();
const progress = (n: number): void => console.log(`soak: ${(n / 2 ** 20).toFixed(0)} of ${mib} MiB after ${((performance.now() - started) / 1000).toFixed(0)} s`);

async function betweenNamespaces(): Promise<boolean> {
  const topology = makeTopology(`soak${process.pid}`);
  try {
    const r = await namespaceTransfer(topology, { bytes, profile: 'fullProfile', progress });
    const ok = r.sent.sent === bytes && r.received.received === bytes && r.received.sha256 === r.sent.sha256;
    console.log(JSON.stringify({ path: 'network namespaces', ok, bytes: r.received.received, seconds: r.seconds, kBps: r.received.received / 1000 / r.seconds, sentSha256: r.sent.sha256, receivedSha256: r.received.sha256, relay: r.relay }));
    return ok;
  } finally {
    topology.remove();
  }
}

async function onLoopback(): Promise<boolean> {
  const channels = bulkChannels();
  const pair = await relayedPair({ model: fullProfile, configuration: internetPathConfiguration, prepare: channels.prepare });
  try {
    await Promise.all([connected(pair.a), connected(pair.b)]);
    const [tx, rx] = channels.ends();
    const result = await transfer(tx, rx, { bytes, chunk: 16384, highWater: 256 << 10, progress });
    const ok = result.bytes === bytes && result.sentSha256 === result.receivedSha256;
    console.log(JSON.stringify({ path: 'loopback', ok, ...result, kBps: result.bytes / 1000 / result.seconds, relay: pair.relay.stats }));
    return ok;
  } finally {
    await pair.close();
  }
}

const ok = await (canMakeNamespaces() ? betweenNamespaces() : onLoopback()).catch((e: unknown) => {
  console.error('soak failed:', e);
  return false;
});
process.exit(ok ? 0 : 1);
