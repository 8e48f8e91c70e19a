/** The sans-IO core: statistics over many packets with fixed seeds, no real time. */
import { describe, expect, it } from 'vitest';
import {
  gilbertElliottLossRate, ImpairmentScheduler, NetemError, Prng, resolveDirections,
} from '../src/index.js';
import type { ImpairmentModel } from '../src/index.js';

/** Offers `n` packets of `size` bytes, one every `gapMs`, and collects every copy's delivery time. */
function run(model: ImpairmentModel, n: number, size = 1000, gapMs = 1) {
  const s = new ImpairmentScheduler(model);
  const deliveries: { seq: number; at: number; sent: number }[] = [];
  const lost: number[] = [];
  for (let i = 0; i < n; i++) {
    const now = i * gapMs;
    const r = s.schedule(size, now);
    if (r.copies === 0) lost.push(i);
    for (let k = 0; k < r.copies; k++) deliveries.push({ seq: i, at: r.deliverAt[k]!, sent: now });
  }
  return { s, deliveries, lost };
}

/** Packets that arrive before one sent earlier (delivery order vs. send order). */
function inversions(deliveries: { seq: number; at: number }[]): number {
  const byTime = [...deliveries].sort((x, y) => x.at - y.at || x.seq - y.seq);
  let count = 0;
  let highest = -1;
  for (const d of byTime) {
    if (d.seq < highest) count++;
    else highest = d.seq;
  }
  return count;
}

describe('Prng', () => {
  it('is reproducible per seed and different across seeds', () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const c = new Prng(8);
    const xs = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(xs);
    expect(new Prng(0).nextUint32()).not.toBe(new Prng(0).nextUint32() + 1); // seed 0 still works
  });
  it('gives uniform floats in [0,1) and standard normals', () => {
    const p = new Prng(1);
    let sum = 0;
    let min = 1;
    let max = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const x = p.next();
      sum += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / n).toBeCloseTo(0.5, 2);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = p.normal();
      s1 += z;
      s2 += z * z;
    }
    expect(s1 / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(s2 / n - (s1 / n) ** 2)).toBeCloseTo(1, 1);
  });
});

describe('loss', () => {
  it('drops about the configured fraction, the same packets for the same seed', () => {
    const n = 100_000;
    const first = run({ loss: 0.1, seed: 42 }, n);
    expect(first.lost.length / n).toBeGreaterThan(0.095);
    expect(first.lost.length / n).toBeLessThan(0.105);
    expect(first.s.counters.droppedLoss).toBe(first.lost.length);
    expect(run({ loss: 0.1, seed: 42 }, n).lost).toEqual(first.lost);
    expect(run({ loss: 0.1, seed: 43 }, n).lost).not.toEqual(first.lost);
  });
  it('loss 0 drops nothing and loss 1 drops everything', () => {
    expect(run({ loss: 0 }, 10_000).lost).toHaveLength(0);
    expect(run({ loss: 1 }, 10_000).deliveries).toHaveLength(0);
  });
  it('Gilbert–Elliott loses at its stationary rate, in bursts of mean length 1/r', () => {
    const burstLoss = { p: 0.01, r: 0.25 };
    const n = 400_000;
    const { lost } = run({ burstLoss, seed: 3 }, n);
    const expected = gilbertElliottLossRate(burstLoss); // 0.01 / 0.26
    expect(expected).toBeCloseTo(0.0385, 3);
    expect(lost.length / n).toBeGreaterThan(expected * 0.9);
    expect(lost.length / n).toBeLessThan(expected * 1.1);
    let bursts = 0;
    for (let i = 0; i < lost.length; i++) if (i === 0 || lost[i - 1] !== lost[i]! - 1) bursts++;
    const meanBurst = lost.length / bursts;
    expect(meanBurst).toBeGreaterThan(3.5);
    expect(meanBurst).toBeLessThan(4.5);
    // Same average loss, independent: bursts are about one packet long.
    const indep = run({ loss: expected, seed: 3 }, n).lost;
    let indepBursts = 0;
    for (let i = 0; i < indep.length; i++) if (i === 0 || indep[i - 1] !== indep[i]! - 1) indepBursts++;
    expect(indep.length / indepBursts).toBeLessThan(1.1);
  });
  it('loss in the Good state and partial loss in the Bad state', () => {
    const burstLoss = { p: 0.05, r: 0.5, lossInGood: 0.01, lossInBad: 0.5 };
    const n = 200_000;
    const { lost } = run({ burstLoss, seed: 9 }, n);
    const expected = gilbertElliottLossRate(burstLoss);
    expect(lost.length / n).toBeGreaterThan(expected * 0.93);
    expect(lost.length / n).toBeLessThan(expected * 1.07);
  });
});

describe('delay and jitter', () => {
  it('a fixed delay is exact', () => {
    const { deliveries } = run({ delayMs: 25 }, 1000);
    expect(new Set(deliveries.map((d) => d.at - d.sent))).toEqual(new Set([25]));
  });
  it('uniform jitter stays within delay ± jitter and fills it, mean at the delay', () => {
    const { deliveries } = run({ delayMs: 100, jitterMs: 20, seed: 5 }, 50_000);
    const delays = deliveries.map((d) => d.at - d.sent);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(80);
    expect(Math.max(...delays)).toBeLessThanOrEqual(120);
    expect(Math.min(...delays)).toBeLessThan(80.5);
    expect(Math.max(...delays)).toBeGreaterThan(119.5);
    expect(delays.reduce((a, b) => a + b, 0) / delays.length).toBeCloseTo(100, 0);
  });
  it('normal jitter has σ = jitter, cut at ±3σ', () => {
    const { deliveries } = run({ delayMs: 100, jitterMs: 10, jitterDistribution: 'normal', seed: 6 }, 50_000);
    const delays = deliveries.map((d) => d.at - d.sent);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    const sd = Math.sqrt(delays.reduce((a, b) => a + (b - mean) ** 2, 0) / delays.length);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(70);
    expect(Math.max(...delays)).toBeLessThanOrEqual(130);
    expect(mean).toBeCloseTo(100, 0);
    expect(sd).toBeGreaterThan(9.5);
    expect(sd).toBeLessThan(10.5);
  });
  it('never delivers before it was sent, even with jitter above the delay', () => {
    const { deliveries } = run({ delayMs: 5, jitterMs: 50, seed: 2 }, 10_000);
    expect(Math.min(...deliveries.map((d) => d.at - d.sent))).toBeGreaterThanOrEqual(0);
  });
});

describe('ordering', () => {
  it('stays in order without jitter or reordering, whatever else is on', () => {
    const { deliveries } = run(
      { delayMs: 30, loss: 0.2, duplicate: 0.2, rateBitsPerSecond: 4e6, queueBytes: 1e6, seed: 11 },
      20_000, 1200, 1,
    );
    expect(deliveries.length).toBeGreaterThan(5000); // some also fall to the queue: 9.6 Mbit/s offered
    expect(deliveries.every((d, i) => i === 0 || d.at >= deliveries[i - 1]!.at)).toBe(true);
    expect(inversions(deliveries)).toBe(0);
  });
  it('jitter reorders, unless keepOrder is set', () => {
    const jittery = run({ delayMs: 100, jitterMs: 20, seed: 4 }, 5000);
    expect(inversions(jittery.deliveries)).toBeGreaterThan(1000);
    const kept = run({ delayMs: 100, jitterMs: 20, keepOrder: true, seed: 4 }, 5000);
    expect(inversions(kept.deliveries)).toBe(0);
    expect(Math.min(...kept.deliveries.map((d) => d.at - d.sent))).toBeGreaterThanOrEqual(80);
  });
  it('reorder holds back about that fraction of packets, each overtaken', () => {
    const n = 20_000;
    const { deliveries, s } = run({ delayMs: 10, reorder: 0.05, reorderDelayMs: 5, seed: 8 }, n);
    expect(s.counters.reordered / n).toBeGreaterThan(0.045);
    expect(s.counters.reordered / n).toBeLessThan(0.055);
    // Each held packet (15 ms) arrives after the ones sent in the 5 ms after it: every one is late.
    expect(inversions(deliveries)).toBeGreaterThan(s.counters.reordered * 0.9);
    expect(inversions(deliveries)).toBeLessThanOrEqual(s.counters.reordered);
    expect(new Set(deliveries.map((d) => d.at - d.sent))).toEqual(new Set([10, 15]));
  });
});

describe('duplication', () => {
  it('adds about that fraction of copies, each with its own delay', () => {
    const n = 50_000;
    const { deliveries, s } = run({ duplicate: 0.1, delayMs: 50, jitterMs: 10, seed: 12 }, n);
    expect(deliveries.length - n).toBe(s.counters.duplicated);
    expect(s.counters.duplicated / n).toBeGreaterThan(0.095);
    expect(s.counters.duplicated / n).toBeLessThan(0.105);
    const twice = new Map<number, number[]>();
    for (const d of deliveries) twice.set(d.seq, [...(twice.get(d.seq) ?? []), d.at]);
    const pairs = [...twice.values()].filter((v) => v.length === 2);
    expect(pairs).toHaveLength(s.counters.duplicated);
    expect(pairs.filter(([x, y]) => x !== y).length).toBe(pairs.length);
  });
  it('a lost packet leaves no copy', () => {
    const { deliveries, s } = run({ duplicate: 1, loss: 0.5, seed: 1 }, 1000);
    expect(deliveries.length).toBe(2 * (1000 - s.counters.droppedLoss));
  });
});

describe('rate limit', () => {
  it('serializes back-to-back packets at the link rate', () => {
    const s = new ImpairmentScheduler({ rateBitsPerSecond: 1e6, queueBytes: 1e9 });
    const at: number[] = [];
    for (let i = 0; i < 100; i++) at.push(s.schedule(1250, 0).deliverAt[0]!); // 10 ms each at 1 Mbit/s
    at.forEach((t, i) => expect(t).toBeCloseTo(10 * (i + 1), 9));
    expect(s.backlogBytes(0)).toBeCloseTo(125_000, 6);
    expect(s.backlogBytes(500)).toBeCloseTo(62_500, 6);
    expect(s.backlogBytes(2000)).toBe(0);
  });
  it('drop-tail: a full queue drops, an empty one always takes a packet', () => {
    const s = new ImpairmentScheduler({ rateBitsPerSecond: 1e6, queueBytes: 12_500 });
    let taken = 0;
    for (let i = 0; i < 50; i++) if (s.schedule(1250, 0).copies === 1) taken++;
    expect(taken).toBe(10);
    expect(s.counters.droppedQueue).toBe(40);
    expect(s.schedule(1250, 0).dropReason).toBe('queue');
    const tiny = new ImpairmentScheduler({ rateBitsPerSecond: 1e6, queueBytes: 100 });
    expect(tiny.schedule(1500, 0).copies).toBe(1);
    expect(tiny.schedule(1500, 0).copies).toBe(0);
  });
  it('offered at twice the rate, delivers the rate and drops the rest', () => {
    const rate = 8e6; // 1 MB/s
    const { deliveries, s } = run({ rateBitsPerSecond: rate, delayMs: 20 }, 20_000, 1000, 0.5); // 2 MB/s for 10 s
    const last = deliveries[deliveries.length - 1]!.at;
    const throughput = (deliveries.length * 1000 * 8) / ((last - 20) / 1000);
    expect(throughput / rate).toBeGreaterThan(0.99);
    expect(throughput / rate).toBeLessThan(1.01);
    expect(s.counters.droppedQueue / 20_000).toBeGreaterThan(0.45);
    expect(s.counters.droppedQueue / 20_000).toBeLessThan(0.55);
    // The default queue is 100 ms of the rate: no copy waits longer than that plus its own serialization.
    expect(Math.max(...deliveries.map((d) => d.at - d.sent - 20))).toBeLessThanOrEqual(101);
  });
  it('counts per-packet overhead', () => {
    const s = new ImpairmentScheduler({ rateBitsPerSecond: 8000, packetOverheadBytes: 28 });
    expect(s.schedule(72, 0).deliverAt[0]).toBeCloseTo(100, 9); // 100 bytes at 1000 B/s
  });
});

describe('models', () => {
  it('refuses out-of-range fields with NetemError', () => {
    const bad: ImpairmentModel[] = [
      { loss: 1.5 }, { loss: -0.1 }, { loss: Number.NaN }, { delayMs: -1 }, { jitterMs: Infinity },
      { reorder: 2 }, { duplicate: -1 }, { rateBitsPerSecond: 0 }, { queueBytes: 0 },
      { burstLoss: { p: 2, r: 0.1 } }, { burstLoss: { p: 0.1, r: 0.1, lossInBad: 3 } },
      { jitterDistribution: 'pareto' as never }, { seed: Infinity },
    ];
    for (const model of bad) {
      let error: unknown;
      try {
        new ImpairmentScheduler(model);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(model)).toBeInstanceOf(NetemError);
      expect((error as NetemError).code).toBe('INVALID_MODEL');
    }
  });
  it('one model serves both directions with different seeds', () => {
    const both = resolveDirections({ loss: 0.5, seed: 1 });
    expect(both.aToB.seed).toBe(1);
    expect(both.bToA.seed).not.toBe(1);
    expect(both.bToA.loss).toBe(0.5);
    const a = run(both.aToB, 1000).lost;
    const b = run(both.bToA, 1000).lost;
    expect(a).not.toEqual(b);
    expect(resolveDirections({ bToA: { loss: 1 } })).toEqual({ aToB: {}, bToA: { loss: 1 } });
    expect(resolveDirections(undefined)).toEqual({ aToB: {}, bToA: {} });
  });
  it('setModel changes what follows and keeps the queue', () => {
    const s = new ImpairmentScheduler({ rateBitsPerSecond: 1e6, queueBytes: 1e9 });
    s.schedule(1250, 0);
    s.setModel({ rateBitsPerSecond: 1e6, queueBytes: 1e9, loss: 1 });
    expect(s.schedule(1250, 0).copies).toBe(0);
    s.setModel({ rateBitsPerSecond: 1e6, queueBytes: 1e9 });
    expect(s.schedule(1250, 0).deliverAt[0]).toBeCloseTo(20, 9);
  });
});
