// A T3-rtx that fires because SACKs were delayed, not lost (a stalled event loop, a path that
// held packets): once a SACK acknowledges chunks in their original transmission, the timeout is
// undone (cwnd, ssthresh and the flight come back) instead of a window's worth of retransmissions
// and a slow start from one MTU. A real loss stays a loss.
import { describe, expect, it } from 'vitest';
import { SimNetwork, recorder } from './helpers/sim.js';

/** A bulk transfer on a 50 ms path; `hold` may stall the path. Samples around the stall. */
function run(hold: (to: 0 | 1, now: number) => number, dropFrom?: number) {
  const rb = recorder();
  const net = new SimNetwork([recorder(), rb], { delay: 25, hold }, { receiveBufferSize: 4 * 1024 * 1024 });
  const a = net.ends[0];
  a.connect(net.now);
  expect(net.runUntil(() => a.state === 'established' && net.ends[1].state === 'established')).toBe(true);
  if (dropFrom !== undefined) {
    // Every DATA packet toward B from this time on for 400 ms is lost: the T3 is real.
    net.tap = (bytes, from) => (from === 0 && net.now >= dropFrom && net.now < dropFrom + 400 ? undefined : bytes);
  }
  const fill = () => {
    while (a.bufferedAmount(1) < 4 * 1024 * 1024) a.send(1, 53, new Uint8Array(16 * 1024));
  };
  fill();
  let before = 0;
  let flightBefore = 0;
  let retransmissionsBefore = 0;
  while (net.now < 3000 && net.step()) {
    fill();
    if (net.now < 2000) {
      before = a.congestion!.cwnd;
      flightBefore = a.congestion!.flightSize;
      retransmissionsBefore = a.stats.retransmissions;
    }
  }
  return { before, flightBefore, retransmissionsBefore, after: a.congestion!, stats: a.stats };
}

describe('spurious T3-rtx', () => {
  it('is undone when the SACKs were only late: cwnd comes back and the window is not sent again', () => {
    // SACKs toward A are held from 2.0 s to 2.5 s: far past the RTO (~200 ms at 50 ms RTT).
    const r = run((to, now) => (to === 0 && now >= 2000 && now < 2500 ? 2500 : 0));
    expect(r.stats.t3Expiries).toBeGreaterThanOrEqual(1);
    expect(r.after.spuriousT3).toBeGreaterThanOrEqual(1);
    expect(r.after.cwnd).toBeGreaterThanOrEqual(r.before);
    // At most a packet per expiry went again, not the flight that was outstanding (hundreds of chunks).
    const resent = r.stats.retransmissions - r.retransmissionsBefore;
    expect(resent).toBeLessThan(r.flightBefore / 1200 / 10);
  });

  it('stands when the data was lost: cwnd restarts from the loss', () => {
    const r = run(() => 0, 2000);
    expect(r.stats.t3Expiries).toBeGreaterThanOrEqual(1);
    expect(r.after.spuriousT3).toBe(0);
    expect(r.after.ssthresh).toBeLessThan(r.before);
  });
});
