// The read-only congestion snapshot (Association.congestion) follows the RFC 9260 §7.2 state.
import { describe, expect, it } from 'vitest';
import { SimNetwork, recorder } from './helpers/sim.js';

describe('Association.congestion', () => {
  it('is undefined before the handshake, then reports the initial window and grows it in slow start', () => {
    const net = new SimNetwork([recorder(), recorder()], { delay: 25 }, { receiveBufferSize: 4 * 1024 * 1024 });
    const sender = net.ends[0];
    expect(sender.congestion).toBeUndefined();
    sender.connect(net.now);
    expect(net.runUntil(() => sender.state === 'established' && net.ends[1].state === 'established')).toBe(true);
    const initial = sender.congestion!;
    // §7.2.1: initial cwnd = min(4·MTU, max(2·MTU, 4380)); ssthresh starts at the peer's a_rwnd.
    expect(initial.cwnd).toBe(Math.min(4 * sender.pathMtu, Math.max(2 * sender.pathMtu, 4380)));
    expect(initial.ssthresh).toBe(initial.peerRwnd);
    expect(initial.flightSize).toBe(0);
    const start = net.now;
    let peakFlight = 0;
    const fill = () => {
      while (sender.bufferedAmount(1) < 1024 * 1024) sender.send(1, 53, new Uint8Array(16 * 1024));
    };
    fill();
    while (net.now - start < 500 && net.step()) {
      fill();
      const c = sender.congestion!;
      // §6.1 B: a packet goes only while flightSize < cwnd, so at most one packet more.
      expect(c.flightSize).toBeLessThan(c.cwnd + sender.pathMtu);
      peakFlight = Math.max(peakFlight, c.flightSize);
    }
    const later = sender.congestion!;
    expect(later.cwnd).toBeGreaterThan(initial.cwnd);
    expect(peakFlight).toBeGreaterThan(initial.cwnd);
    expect(later.srtt).toBeGreaterThanOrEqual(50);
    expect(net.ends[1].congestion!.localRwnd).toBeGreaterThan(0);
  });
});
