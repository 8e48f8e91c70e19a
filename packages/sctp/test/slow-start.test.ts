// Slow start on a path with delay, where a window's worth of packets (and of SACKs) arrives
// together and is read before anything is sent: the batching every event loop does.
import { describe, expect, it } from 'vitest';
import { SimNetwork, recorder } from './helpers/sim.js';

const ONE_WAY_MS = 25;
const MESSAGE = 16 * 1024;

/** Bytes delivered to the receiver within `ms` of simulated time, sender kept full. */
function deliveredWithin(ms: number): number {
  const ra = recorder();
  const rb = recorder();
  const net = new SimNetwork([ra, rb], { delay: ONE_WAY_MS }, { receiveBufferSize: 8 * 1024 * 1024 });
  net.ends[0].connect(net.now);
  expect(net.runUntil(() => net.ends[0].state === 'established' && net.ends[1].state === 'established')).toBe(true);
  const start = net.now;
  const fill = () => {
    while (net.ends[0].bufferedAmount(1) < 4 * 1024 * 1024) net.ends[0].send(1, 53, new Uint8Array(MESSAGE));
  };
  fill();
  while (net.now - start < ms && net.step()) fill();
  return rb.messages.reduce((n, m) => n + m.data.length, 0);
}

describe('slow start with batched SACKs (RFC 9260 §7.2.1)', () => {
  it('cwnd grows with every SACK of a full window, so delivery grows geometrically per round trip', () => {
    // 10 round trips of 50 ms. From an initial cwnd of 4380 bytes, growth of one MTU per SACK for
    // every second packet is ×1.5 per round trip: some 750 KB in 10 round trips. Growth of a few
    // MTUs per round trip (one credited SACK per batch) delivers under 100 KB.
    const bytes = deliveredWithin(10 * 2 * ONE_WAY_MS);
    expect(bytes, `${bytes} bytes in 10 round trips`).toBeGreaterThan(300_000);
  });
});
