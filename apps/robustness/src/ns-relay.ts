/**
 * `@x/netem`'s relay in its own process, for the network-namespace test: `node dist/ns-relay.js
 * '<json>'` with `{ a, b, bindAddressA, bindAddressB, profile }`; prints `{ addressForA,
 * addressForB }`, and the relay's counters when its stdin closes.
 */
import { startUdpRelayPair } from '@x/netem';
import * as profiles from './profiles.js';

const options = JSON.parse(process.argv[2]!) as {
  a: { address: string; port: number };
  b: { address: string; port: number };
  bindAddressA: string;
  bindAddressB: string;
  profile: 'fullProfile' | 'mildProfile';
};
const relay = await startUdpRelayPair({ ...options, model: profiles[options.profile] });
process.stdout.write(`${JSON.stringify({ addressForA: relay.addressForA, addressForB: relay.addressForB })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  process.stdout.write(`${JSON.stringify({ stats: { aToB: { ...relay.stats.aToB }, bToA: { ...relay.stats.bToA } } })}\n`);
  void relay.close().then(() => process.exit(0));
});
