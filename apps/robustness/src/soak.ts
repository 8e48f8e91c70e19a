/**
 * `pnpm --filter @x/robustness soak`: 32 MiB over a data channel between two of our peers through
 * the full impairment profile (10 % loss, 100 ± 20 ms each way, reordering, duplication,
 * 4 Mbit/s), checked bit-exact by SHA-256. At ~20 kB/s this takes about 28 minutes: not in
 * `pnpm test`. SOAK_MIB sets another size.
 */
import type { RTCDataChannel } from '@x/peerconnection';
import { fullProfile, internetPathConfiguration } from './profiles.js';
import { connected, relayedPair } from './relayed-pair.js';
import { transfer } from './transfer.js';

async function main(): Promise<void> {
  const mib = Number(process.env['SOAK_MIB'] ?? 32);
  let tx: RTCDataChannel | undefined;
  let rx: RTCDataChannel | undefined;
  const pair = await relayedPair({
    model: fullProfile,
    configuration: internetPathConfiguration,
    prepare: (a, b) => {
      tx = a.createDataChannel('bulk', { negotiated: true, id: 1 });
      rx = b.createDataChannel('bulk', { negotiated: true, id: 1 });
    },
  });
  try {
    await Promise.all([connected(pair.a), connected(pair.b)]);
    const start = performance.now();
    const result = await transfer(tx!, rx!, {
      bytes: mib << 20,
      chunk: 16384,
      highWater: 256 << 10,
      progress: (n) => console.log(`${(n / 2 ** 20).toFixed(0)} MiB after ${((performance.now() - start) / 1000).toFixed(0)} s`),
    });
    const ok = result.bytes === mib << 20 && result.sentSha256 === result.receivedSha256;
    console.log(JSON.stringify({ ...result, ok, kBps: result.bytes / 1000 / result.seconds, relay: pair.relay.stats }));
    process.exitCode = ok ? 0 : 1;
  } finally {
    await pair.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
