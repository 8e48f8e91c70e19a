/**
 * The impairment profiles the tests and the soak run use. One-way figures: a model applies to
 * each direction, so `delayMs: 100` is a 200 ms round trip.
 */
import type { ImpairmentModel } from '@x/netem';
import type { RTCConfiguration } from '@x/peerconnection';

/**
 * 1200-byte SCTP packets, as on an internet path. The relay runs on loopback, where the peer
 * connection's path MTU discovery would otherwise grow packets to tens of kilobytes and the loss
 * profile would apply to a few large datagrams instead of many small ones.
 */
export const internetPathConfiguration: RTCConfiguration & { sctpPathMtuDiscovery?: boolean } = { sctpPathMtuDiscovery: false };

/** The profile: 10 % loss, 100 ms ± 20 ms, reordering, duplication, 4 Mbit/s. */
export const fullProfile: ImpairmentModel = {
  loss: 0.1,
  delayMs: 100,
  jitterMs: 20,
  reorder: 0.02,
  reorderDelayMs: 30,
  duplicate: 0.02,
  rateBitsPerSecond: 4_000_000,
  packetOverheadBytes: 28,
  seed: 10,
};

/** Milder: 1 % loss, 5 ms ± 2 ms, some reordering and duplication, 100 Mbit/s. */
export const mildProfile: ImpairmentModel = {
  loss: 0.01,
  delayMs: 5,
  jitterMs: 2,
  reorder: 0.01,
  reorderDelayMs: 5,
  duplicate: 0.01,
  rateBitsPerSecond: 100_000_000,
  packetOverheadBytes: 28,
  seed: 11,
};
