/** The emulated TCP leg, driven in virtual time by a small event loop: no sockets, no real time. */
import { describe, expect, it } from 'vitest';
import { DeliveryQueue, NetemError, TcpFlowEmulator } from '../src/index.js';
import type { ImpairmentModel, TcpFlowOptions } from '../src/index.js';

/** A sender with endless data for `durationMs` of virtual time; returns bytes delivered by then. */
function bulk(model: ImpairmentModel, options: TcpFlowOptions, durationMs: number) {
  const emu = new TcpFlowEmulator(model, options);
  const events = new DeliveryQueue<number>(); // item: length; tag 0 = delivery, 1 = ACK
  let delivered = 0;
  let lastDeliver = -Infinity;
  let ordered = true;
  const piece = 32 * emu.segmentSize;
  const pump = (now: number): void => {
    for (let w = emu.window(); w >= emu.segmentSize; w = emu.window()) {
      const length = Math.min(w, piece);
      const r = emu.send(length, now, Infinity);
      events.push(r.deliverAt, length, 0);
      events.push(r.ackAt, length, 1);
    }
  };
  pump(0);
  while (events.peekTime() <= durationMs) {
    const now = events.peekTime();
    const length = events.pop()!;
    if (events.lastTag === 0) {
      delivered += length;
      if (now < lastDeliver) ordered = false;
      lastDeliver = now;
    } else {
      emu.ack(length);
      pump(now);
    }
  }
  return { emu, delivered, ordered, bytesPerSecond: delivered / (durationMs / 1000) };
}

describe('TcpFlowEmulator', () => {
  it('without impairment the stream arrives after the delay and the window grows in slow start', () => {
    const emu = new TcpFlowEmulator({ delayMs: 25 });
    expect(emu.baseRtt).toBe(50);
    expect(emu.window()).toBe(10 * 1448);
    const r = emu.send(10 * 1448, 0);
    expect(r.deliverAt).toBe(25);
    expect(r.ackAt).toBe(50);
    expect(r.lostSegments).toBe(0);
    expect(emu.window()).toBe(0);
    emu.ack(10 * 1448);
    expect(emu.window()).toBe(20 * 1448);
  });

  it('at 1 % loss and 50 ms RTT, Reno throughput is near the Mathis figure MSS/RTT·√1.5/√p', () => {
    const model: ImpairmentModel = { delayMs: 25, loss: 0.01, seed: 21 };
    const { emu, bytesPerSecond, ordered } = bulk(model, {}, 120_000);
    const mathis = (1448 / 0.05) * Math.sqrt(1.5) / Math.sqrt(0.01); // ≈ 355 kB/s
    expect(bytesPerSecond / mathis).toBeGreaterThan(0.6);
    expect(bytesPerSecond / mathis).toBeLessThan(1.6);
    expect(ordered).toBe(true);
    expect(emu.counters.lostSegments / emu.counters.segments).toBeCloseTo(0.01, 2);
    expect(emu.counters.fastRetransmits).toBeGreaterThan(emu.counters.timeouts);
    expect(emu.counters.windowReductions).toBeGreaterThan(0);
  });

  it('loss-blind keeps its window: loss only costs time', () => {
    const model: ImpairmentModel = { delayMs: 25, loss: 0.01, seed: 21 };
    const reno = bulk(model, {}, 20_000);
    const blind = bulk(model, { congestionControl: 'loss-blind', maxWindowBytes: 1 << 20 }, 20_000);
    expect(blind.emu.counters.windowReductions).toBe(0);
    expect(blind.bytesPerSecond).toBeGreaterThan(5 * reno.bytesPerSecond);
    expect(blind.ordered).toBe(true);
  });

  it('fills a rate-limited link and no more', () => {
    const rate = 10e6;
    const { bytesPerSecond, emu } = bulk({ delayMs: 10, rateBitsPerSecond: rate, seed: 2 }, {}, 30_000);
    expect((bytesPerSecond * 8) / rate).toBeGreaterThan(0.85);
    expect((bytesPerSecond * 8) / rate).toBeLessThanOrEqual(1.001);
    expect(emu.counters.queueDrops).toBeGreaterThan(0); // Reno probes until the queue overflows
  });

  it('a fixed window at a given RTT gives window/RTT', () => {
    const { bytesPerSecond } = bulk({ delayMs: 50 }, { maxWindowBytes: 100_000 }, 10_000);
    expect(bytesPerSecond / (100_000 / 0.1)).toBeGreaterThan(0.95);
  });

  it('repairs a loss by fast retransmit when data follows, by timeout when it does not', () => {
    const always = { delayMs: 10, burstLoss: { p: 1, r: 1, lossInGood: 0, lossInBad: 1 } }; // alternates Bad, Good…
    const followed = new TcpFlowEmulator(always);
    const a = followed.send(1448, 0, 100_000); // lost (chain steps into Bad), retransmission not (Good)
    expect(a.lostSegments).toBe(1);
    expect(a.deliverAt).toBe(10 + 20);
    expect(followed.counters.fastRetransmits).toBe(1);
    const tail = new TcpFlowEmulator(always);
    const b = tail.send(1448, 0, 0);
    expect(b.deliverAt).toBe(10 + 200);
    expect(tail.counters.timeouts).toBe(1);
    expect(tail.cwnd).toBe(5 * 1448);
    // Later pieces wait behind the repaired one: the stream is in order.
    expect(tail.send(1448, 1, 0).deliverAt).toBeGreaterThanOrEqual(b.deliverAt);
  });

  it('is reproducible per seed', () => {
    const run = (seed: number) => bulk({ delayMs: 20, jitterMs: 5, loss: 0.02, seed }, {}, 5_000).delivered;
    expect(run(4)).toBe(run(4));
    expect(run(4)).not.toBe(run(5));
  });

  it('refuses bad options', () => {
    expect(() => new TcpFlowEmulator({}, { mss: 0 })).toThrow(NetemError);
    expect(() => new TcpFlowEmulator({}, { minRtoMs: -1 })).toThrow(NetemError);
    expect(() => new TcpFlowEmulator({ loss: 7 })).toThrow(NetemError);
  });
});
