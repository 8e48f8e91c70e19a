// HyStart++ (RFC 9406) in the initial slow start: the round-trip-time rule on its own, then on a
// simulated 50 ms path with a 100 Mbit/s bottleneck and a one-BDP drop-tail queue.
import { describe, expect, it } from 'vitest';
import { HyStart } from '../src/hystart.js';
import { SimNetwork, recorder } from './helpers/sim.js';

/** Feeds `hs` round `k`: `n` SACKs with RTT `rtt`, acknowledging TSNs 100k… while 100k + 99 is the highest sent. */
function round(hs: HyStart, k: number, rtt: number, n = 10): string {
  let verdict = '';
  for (let i = 0; i < n; i++) verdict = hs.onSack(rtt, k * 100 + i, k * 100 + 99);
  return verdict;
}

describe('HyStart++ round-trip rule (RFC 9406 §4.2)', () => {
  it('stays in slow start while the RTT holds, and after too few samples', () => {
    const hs = new HyStart();
    expect(round(hs, 0, 50)).toBe('slow-start');
    expect(round(hs, 1, 50)).toBe('slow-start');
    // A rise seen in fewer than N_RTT_SAMPLE (8) samples does not count yet.
    expect(round(hs, 2, 80, 5)).toBe('slow-start');
  });

  it('enters Conservative Slow Start when the round minimum rises by the clamped eighth, and exits after 5 rounds', () => {
    const hs = new HyStart();
    round(hs, 0, 50);
    // 50 ms / 8 = 6.25 ms: a rise to 55 ms is below the threshold; then 55 / 8 = 6.9 ms, and 62 is above it.
    expect(round(hs, 1, 55)).toBe('slow-start');
    expect(round(hs, 2, 62)).toBe('conservative');
    expect([3, 4, 5, 6].map((k) => round(hs, k, 62))).toEqual(['conservative', 'conservative', 'conservative', 'conservative']);
    // The fifth new round in CSS ends slow start.
    expect(hs.onSack(62, 700, 799)).toBe('exit');
  });

  it('returns to slow start when the RTT falls below where it rose (a spurious exit)', () => {
    const hs = new HyStart();
    round(hs, 0, 50);
    expect(round(hs, 1, 70)).toBe('conservative');
    expect(round(hs, 2, 60)).toBe('slow-start');
  });
});

/** A bulk transfer on a 50 ms, 100 Mbit/s path with a one-BDP queue, for `ms` of simulated time. */
function bulk(hystart: boolean, ms: number) {
  const rb = recorder();
  const net = new SimNetwork([recorder(), rb], { delay: 25, rate: 12_500, queueBytes: 625_000 }, { receiveBufferSize: 2 * 1024 * 1024, hystart });
  const a = net.ends[0];
  a.connect(net.now);
  expect(net.runUntil(() => a.state === 'established' && net.ends[1].state === 'established')).toBe(true);
  const start = net.now;
  const fill = () => {
    while (a.bufferedAmount(1) < 4 * 1024 * 1024) a.send(1, 53, new Uint8Array(16 * 1024));
  };
  let peakBeforeLoss = 0;
  let ssthreshSet: number | undefined;
  fill();
  while (net.now - start < ms && net.step()) {
    fill();
    const c = a.congestion!;
    if (a.stats.retransmissions === 0) peakBeforeLoss = Math.max(peakBeforeLoss, c.cwnd);
    if (ssthreshSet === undefined && c.ssthresh < 2 * 1024 * 1024) ssthreshSet = c.ssthresh;
  }
  const delivered = rb.messages.reduce((n, m) => n + m.data.length, 0);
  return { delivered, drops: net.queueDrops, peakBeforeLoss, t3: a.stats.t3Expiries, cwnd: a.congestion!.cwnd };
}

describe('HyStart++ on a path with a drop-tail bottleneck', () => {
  const bdp = 625_000;
  const on = bulk(true, 5000);
  const off = bulk(false, 5000);

  it('grows cwnd no faster than RFC 9260 slow start: a lower peak before the first loss', () => {
    expect(on.peakBeforeLoss).toBeLessThan(off.peakBeforeLoss);
  });

  it('overflows the queue less and keeps a window of at least one BDP after it', () => {
    expect(off.drops).toBeGreaterThan(0);
    expect(on.drops).toBeLessThan(off.drops);
    expect(on.cwnd).toBeGreaterThanOrEqual(bdp);
    expect(on.t3).toBe(0);
  });

  it('delivers at least as much in 5 s of simulated time', () => {
    expect(on.delivered).toBeGreaterThanOrEqual(off.delivered);
  });
});
