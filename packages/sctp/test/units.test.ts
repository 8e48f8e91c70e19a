import { describe, expect, it } from 'vitest';
import { DataTracker } from '../src/data-tracker.js';
import { RetransmissionQueue } from '../src/retransmission-queue.js';
import { RtoCalculator } from '../src/rto.js';
import { OutboundMessage } from '../src/send-queue.js';
import { tsnGt, tsnLt, ssnLt } from '../src/serial-number.js';
import { ChunkType, type SackChunk } from '../src/index.js';

describe('serial number arithmetic (RFC 1982)', () => {
  it('wraps around 2^32 and 2^16', () => {
    expect(tsnLt(0xffffffff, 0)).toBe(true);
    expect(tsnGt(5, 0xfffffff0)).toBe(true);
    expect(tsnLt(1, 2)).toBe(true);
    expect(ssnLt(65535, 0)).toBe(true);
    expect(ssnLt(0, 65535)).toBe(false);
  });
});

describe('DataTracker', () => {
  it('keeps the cumulative TSN and gap blocks across wrap-around', () => {
    const t = new DataTracker(0xfffffffe);
    t.record(0xfffffffe);
    t.record(1);
    t.record(2);
    t.record(4);
    expect(t.cumulativeTsn).toBe(0xfffffffe);
    expect(t.gapAckBlocks()).toEqual([{ start: 3, end: 4 }, { start: 6, end: 6 }]);
    t.record(0xffffffff);
    t.record(0);
    expect(t.cumulativeTsn).toBe(2);
    expect(t.gapAckBlocks()).toEqual([{ start: 2, end: 2 }]);
    expect(t.has(4)).toBe(true);
    expect(t.has(3)).toBe(false);
    t.record(3);
    expect(t.cumulativeTsn).toBe(4);
    expect(t.hasGaps).toBe(false);
  });
  it('merges ranges inserted in any order and forwards past them', () => {
    const t = new DataTracker(1);
    for (const x of [10, 8, 12, 9, 11, 20, 5]) t.record(x);
    expect(t.gapAckBlocks()).toEqual([{ start: 5, end: 5 }, { start: 8, end: 12 }, { start: 20, end: 20 }]);
    t.forwardTo(9);
    expect(t.cumulativeTsn).toBe(12);
    expect(t.gapAckBlocks()).toEqual([{ start: 8, end: 8 }]);
  });
  it('reports duplicates once', () => {
    const t = new DataTracker(1);
    t.noteDuplicate(1);
    t.noteDuplicate(1);
    expect(t.takeDuplicates()).toEqual([1, 1]);
    expect(t.takeDuplicates()).toEqual([]);
  });
});

describe('RTO (RFC 9260 §6.3.1)', () => {
  it('first measurement sets SRTT = R, RTTVAR = R/2; then alpha 1/8, beta 1/4; clamped and backed off', () => {
    const r = new RtoCalculator({ initial: 1000, min: 200, max: 60_000 });
    expect(r.rto).toBe(1000);
    r.measure(100);
    expect(r.srtt).toBe(100);
    expect(r.rttvar).toBe(50);
    expect(r.rto).toBe(300);
    r.measure(200);
    expect(r.rttvar).toBeCloseTo(0.75 * 50 + 0.25 * 100);
    expect(r.srtt).toBeCloseTo(0.875 * 100 + 0.125 * 200);
    r.measure(1);
    r.measure(1);
    for (let i = 0; i < 50; i++) r.measure(1);
    expect(r.rto).toBe(200);
    r.backOff();
    expect(r.rto).toBe(400);
    for (let i = 0; i < 20; i++) r.backOff();
    expect(r.rto).toBe(60_000);
  });
});

describe('RetransmissionQueue: SACK processing and congestion control (§6.2.1, §7.2)', () => {
  const MTU = 1200;
  function queue(n: number) {
    const rq = new RetransmissionQueue({ initialTsn: 100, mtu: MTU, peerRwnd: 1 << 20, onAbandon: () => undefined });
    rq.cwnd = 100 * MTU;
    const m = new OutboundMessage(1, 53, new Uint8Array(n * 1000), false, undefined, undefined);
    const chunks = [];
    for (let i = 0; i < n; i++) {
      const c = rq.add(m, m.data.subarray(i * 1000, (i + 1) * 1000), i === 0, i === n - 1);
      rq.sent(c, 0);
      chunks.push(c);
    }
    return { rq, chunks };
  }
  const sack = (cum: number, gaps: [number, number][] = [], rwnd = 1 << 20): SackChunk => ({
    type: ChunkType.SACK,
    cumulativeTsnAck: cum,
    advertisedReceiverWindowCredit: rwnd,
    gapAckBlocks: gaps.map(([start, end]) => ({ start, end })),
    duplicateTsns: [],
  });

  it('fast retransmit on the third miss indication, once, with cwnd halved', () => {
    const { rq, chunks } = queue(10);
    const cwnd = rq.cwnd;
    expect(rq.flightSize).toBe(10_000);
    rq.handleSack(sack(99, [[2, 2]]), 10); // TSN 100 missing, 101 acked
    expect(chunks[0]!.missIndications).toBe(1);
    rq.handleSack(sack(99, [[2, 3]]), 11);
    expect(rq.hasRetransmissions).toBe(false);
    rq.handleSack(sack(99, [[2, 4]]), 12);
    expect(rq.hasRetransmissions).toBe(true);
    expect(rq.nextRetransmission(12)).toBe(chunks[0]);
    expect(rq.ssthresh).toBe(Math.max(cwnd / 2, 4 * MTU));
    expect(rq.cwnd).toBe(rq.ssthresh);
    expect(rq.fastRetransmitPending).toBe(true);
    expect(rq.flightSize).toBe(10_000 - 3000 - 1000);
    rq.sent(chunks[0]!, 13);
    rq.handleSack(sack(99, [[2, 5]]), 14);
    expect(rq.hasRetransmissions).toBe(false); // fast-retransmitted at most once
    rq.handleSack(sack(109), 20);
    expect(rq.allAcked).toBe(true);
    expect(rq.flightSize).toBe(0);
    expect(rq.t3Deadline).toBeUndefined();
  });

  it('ignores stale SACKs and SACKs for TSNs never sent', () => {
    const { rq } = queue(3);
    rq.handleSack(sack(101), 1);
    expect(rq.cumulativeTsnAck).toBe(101);
    rq.handleSack(sack(100), 2);
    expect(rq.cumulativeTsnAck).toBe(101);
    rq.handleSack(sack(500), 3);
    expect(rq.cumulativeTsnAck).toBe(101);
  });

  it('slow start grows cwnd by at most one MTU per SACK; T3 collapses it to one MTU and marks all', () => {
    const rq = new RetransmissionQueue({ initialTsn: 1, mtu: MTU, peerRwnd: 1 << 20, onAbandon: () => undefined });
    const start = rq.cwnd;
    expect(start).toBe(4 * MTU > 4380 ? Math.min(4 * MTU, Math.max(2 * MTU, 4380)) : 4380);
    const m = new OutboundMessage(1, 53, new Uint8Array(4000), false, undefined, undefined);
    for (let i = 0; i < 4; i++) rq.sent(rq.add(m, m.data.subarray(i * 1000, (i + 1) * 1000), i === 0, i === 3), 0);
    rq.handleSack(sack(2), 5);
    expect(rq.cwnd).toBe(start + MTU);
    rq.handleT3(1000);
    expect(rq.cwnd).toBe(MTU);
    expect(rq.flightSize).toBe(0);
    expect(rq.nextRetransmission(1000)?.tsn).toBe(3);
  });

  it('receiver window: a_rwnd minus flight; zero window still lets one chunk probe when nothing is in flight', () => {
    const { rq } = queue(2);
    rq.handleSack(sack(99, [], 1500), 1);
    expect(rq.peerRwnd).toBe(0);
    expect(rq.canSend(1000)).toBe(false);
    rq.handleSack(sack(101, [], 0), 2);
    expect(rq.canSend(1000)).toBe(true);
  });
});
