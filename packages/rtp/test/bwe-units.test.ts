import { describe, expect, it } from 'vitest';
import { DelayBasedBwe, TransportFeedbackAdapter } from '../src/index.js';
import type { PacketResult, TransportWideCcFeedback } from '../src/index.js';

/** Packets every 10 ms (two groups apart), arriving with one-way delay `delay(i)` ms. */
function results(count: number, delay: (i: number) => number, from = 0): PacketResult[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return { sequenceNumber: i, size: 1200, sendTimeMs: i * 10, arrivalTimeMs: i * 10 + 50 + delay(i) };
  });
}

describe('DelayBasedBwe: trendline and overuse detector', () => {
  it('constant delay: normal, and the rate grows', () => {
    const bwe = new DelayBasedBwe(500_000, 30_000, 10_000_000);
    let rate = 0;
    for (let b = 0; b < 20; b++) rate = bwe.update(results(10, () => 0, b * 10), 1_000_000, b * 100 + 100);
    expect(bwe.state).toBe('normal');
    expect(rate).toBeGreaterThan(500_000);
  });
  it('growing queueing delay (1 ms more per packet): overusing, and the rate drops to 0.85 × acked', () => {
    const bwe = new DelayBasedBwe(2_000_000, 30_000, 10_000_000);
    const states = new Set<string>();
    let rate = 2_000_000;
    for (let b = 0; b < 10; b++) {
      rate = bwe.update(results(10, (i) => i, b * 10), 1_000_000, b * 100 + 100);
      states.add(bwe.state);
    }
    expect(states.has('overusing')).toBe(true);
    expect(rate).toBeLessThanOrEqual(0.85 * 1_000_000 + 1);
  });
  it('a draining queue (delay falling): underusing, rate held', () => {
    const bwe = new DelayBasedBwe(800_000, 30_000, 10_000_000);
    const seen: string[] = [];
    for (let b = 0; b < 10; b++) {
      bwe.update(results(10, (i) => Math.max(0, 300 - 3 * i), b * 10), 1_000_000, b * 100 + 100);
      seen.push(bwe.state);
    }
    expect(seen).toContain('underusing');
    expect(bwe.bitrate).toBeLessThanOrEqual(800_000 * 1.08);
  });
  it('never leaves [min, max] and never exceeds 1.5 × acked + 10 kbps while increasing', () => {
    const bwe = new DelayBasedBwe(100_000, 50_000, 150_000);
    for (let b = 0; b < 50; b++) bwe.update(results(10, () => 0, b * 10), 1_000_000, b * 1000);
    expect(bwe.bitrate).toBe(150_000);
    const capped = new DelayBasedBwe(100_000, 10_000, 10_000_000);
    for (let b = 0; b < 50; b++) capped.update(results(10, () => 0, b * 10), 100_000, b * 1000);
    expect(capped.bitrate).toBeLessThanOrEqual(160_000);
    const floor = new DelayBasedBwe(100_000, 90_000, 10_000_000);
    for (let b = 0; b < 10; b++) floor.update(results(10, (i) => 2 * i, b * 10), 10_000, b * 300);
    expect(floor.bitrate).toBe(90_000);
  });
});

describe('TransportFeedbackAdapter', () => {
  const fb = (base: number, ref: number, deltas: (number | null)[]): TransportWideCcFeedback => ({
    type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: base, referenceTime: ref, feedbackPacketCount: 0,
    packets: deltas.map((d, i) => ({ sequenceNumber: (base + i) & 0xffff, receiveDelta: d })),
  });
  it('maps feedback to send times and sizes across the sequence wrap; unknown numbers are skipped', () => {
    const a = new TransportFeedbackAdapter();
    for (let i = 0; i < 4; i++) a.onPacketSent((65534 + i) & 0xffff, 100 + i, 1000 + i);
    const r = a.onFeedback(fb(65533, 10, [4, 4, null, 8, 4]));
    expect(r.map((x) => [x.sequenceNumber & 0xffff, x.size, x.sendTimeMs, x.arrivalTimeMs])).toEqual([
      [65534, 100, 1000, 640 + 2], [65535, 101, 1001, undefined], [0, 102, 1002, 640 + 4], [1, 103, 1003, 640 + 5],
    ]);
    expect(a.packetsInFlight).toBe(0);
    expect(a.onFeedback(fb(0, 10, [4]))).toEqual([]); // already reported
  });
  it('keeps arrival times increasing when the 24-bit reference time wraps', () => {
    const a = new TransportFeedbackAdapter();
    a.onPacketSent(1, 100, 0);
    a.onPacketSent(2, 100, 10);
    const [first] = a.onFeedback(fb(1, 0x7fffff, [0]));
    const [second] = a.onFeedback(fb(2, -0x800000, [0])); // one 64 ms step later, wrapped (signed)
    expect(second!.arrivalTimeMs! - first!.arrivalTimeMs!).toBe(64);
  });
  it('forgets packets older than its history', () => {
    const a = new TransportFeedbackAdapter(1000);
    a.onPacketSent(1, 100, 0);
    a.onPacketSent(2, 100, 5000);
    expect(a.packetsInFlight).toBe(1);
  });
});
