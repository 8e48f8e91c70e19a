import type { PacketResult } from './transport-feedback-adapter.js';

/** What the overuse detector concludes about the path (GCC, draft-ietf-rmcat-gcc-02 §5.4). */
export type BandwidthUsage = 'normal' | 'overusing' | 'underusing';

const BURST_MS = 5;
const WINDOW = 20;
const SMOOTHING = 0.9;
const THRESHOLD_GAIN = 4;
const K_UP = 0.0087;
const K_DOWN = 0.039;
const OVERUSE_TIME_MS = 10;

interface Group {
  firstSendMs: number;
  lastSendMs: number;
  lastArrivalMs: number;
}

/**
 * Delay-based part of Google congestion control, as libwebrtc builds it: packets grouped in 5 ms
 * send bursts, the one-way delay variation between groups accumulated and smoothed, a trendline
 * (least-squares slope over the last 20 groups) compared with an adaptive threshold, and an
 * AIMD rate controller: multiplicative increase while normal, 0.85 × the acknowledged rate on
 * overuse, hold on underuse.
 */
export class DelayBasedBwe {
  private group: Group | undefined;
  private prevGroup: Group | undefined;
  private firstArrivalMs: number | undefined;
  private accumulatedDelay = 0;
  private smoothedDelay = 0;
  private readonly history: { x: number; y: number }[] = [];
  private numDeltas = 0;
  private threshold = 12.5;
  private lastThresholdUpdateMs: number | undefined;
  private timeOverUsing = -1;
  private overuseCounter = 0;
  private prevTrend = 0;
  private usage: BandwidthUsage = 'normal';
  private rateState: 'increase' | 'hold' | 'decrease' = 'increase';
  private rate: number;
  private lastRateUpdateMs: number | undefined;
  private lastDecreaseMs = -Infinity;

  constructor(startBitrate: number, private readonly minBitrate: number, private readonly maxBitrate: number) {
    this.rate = startBitrate;
  }

  /** The current delay-based estimate, bits per second. */
  get bitrate(): number {
    return this.rate;
  }

  /** The detector's latest conclusion. */
  get state(): BandwidthUsage {
    return this.usage;
  }

  /** The current adaptive threshold, ms (for stats). */
  get overuseThreshold(): number {
    return this.threshold;
  }

  /**
   * Feed the received packets of one feedback (in send order) with the acknowledged bitrate
   * (what the receiver got, bits per second; undefined while unknown) at sender time `nowMs`.
   */
  update(results: PacketResult[], ackedBitrate: number | undefined, nowMs: number): number {
    for (const r of results) {
      if (r.arrivalTimeMs === undefined) continue;
      this.addPacket(r.sendTimeMs, r.arrivalTimeMs);
    }
    this.controlRate(ackedBitrate, nowMs);
    return this.rate;
  }

  private addPacket(sendMs: number, arrivalMs: number): void {
    const g = this.group;
    if (!g) { this.group = { firstSendMs: sendMs, lastSendMs: sendMs, lastArrivalMs: arrivalMs }; return; }
    if (sendMs < g.firstSendMs) return; // reordered into an older group
    if (sendMs - g.firstSendMs <= BURST_MS) {
      g.lastSendMs = Math.max(g.lastSendMs, sendMs);
      g.lastArrivalMs = Math.max(g.lastArrivalMs, arrivalMs);
      return;
    }
    if (this.prevGroup) {
      const sendDelta = g.lastSendMs - this.prevGroup.lastSendMs;
      const arrivalDelta = g.lastArrivalMs - this.prevGroup.lastArrivalMs;
      if (arrivalDelta >= 0) this.onDelta(arrivalDelta - sendDelta, sendDelta, g.lastArrivalMs);
    }
    this.prevGroup = g;
    this.group = { firstSendMs: sendMs, lastSendMs: sendMs, lastArrivalMs: arrivalMs };
  }

  /** Trendline estimator: smoothed accumulated delay, least-squares slope over the window. */
  private onDelta(delayVariationMs: number, sendDeltaMs: number, arrivalMs: number): void {
    this.numDeltas = Math.min(this.numDeltas + 1, 1000);
    this.firstArrivalMs ??= arrivalMs;
    this.accumulatedDelay += delayVariationMs;
    this.smoothedDelay = SMOOTHING * this.smoothedDelay + (1 - SMOOTHING) * this.accumulatedDelay;
    this.history.push({ x: arrivalMs - this.firstArrivalMs, y: this.smoothedDelay });
    if (this.history.length > WINDOW) this.history.shift();
    let trend = this.prevTrend;
    if (this.history.length === WINDOW) trend = slope(this.history) ?? trend;
    this.detect(trend, sendDeltaMs, arrivalMs);
  }

  /** Overuse detector with the adaptive threshold (draft-ietf-rmcat-gcc-02 §5.4). */
  private detect(trend: number, sendDeltaMs: number, nowMs: number): void {
    const modified = Math.min(this.numDeltas, 60) * trend * THRESHOLD_GAIN;
    if (this.numDeltas < 2) { this.usage = 'normal'; return; }
    if (modified > this.threshold) {
      this.timeOverUsing = this.timeOverUsing === -1 ? sendDeltaMs / 2 : this.timeOverUsing + sendDeltaMs;
      this.overuseCounter++;
      if (this.timeOverUsing > OVERUSE_TIME_MS && this.overuseCounter > 1 && trend >= this.prevTrend) {
        this.timeOverUsing = 0;
        this.overuseCounter = 0;
        this.usage = 'overusing';
      }
    } else if (modified < -this.threshold) {
      this.timeOverUsing = -1;
      this.overuseCounter = 0;
      this.usage = 'underusing';
    } else {
      this.timeOverUsing = -1;
      this.overuseCounter = 0;
      this.usage = 'normal';
    }
    this.prevTrend = trend;
    // Adapt the threshold: slowly up when above it, faster down when below; skip outliers.
    this.lastThresholdUpdateMs ??= nowMs;
    const abs = Math.abs(modified);
    if (abs <= this.threshold + 15) {
      const k = abs < this.threshold ? K_DOWN : K_UP;
      const dt = Math.min(nowMs - this.lastThresholdUpdateMs, 100);
      this.threshold = Math.min(600, Math.max(6, this.threshold + k * (abs - this.threshold) * dt));
    }
    this.lastThresholdUpdateMs = nowMs;
  }

  /** AIMD rate control (draft-ietf-rmcat-gcc-02 §5.5). */
  private controlRate(acked: number | undefined, nowMs: number): void {
    const dt = this.lastRateUpdateMs === undefined ? 0 : Math.min(nowMs - this.lastRateUpdateMs, 1000);
    this.lastRateUpdateMs = nowMs;
    if (this.usage === 'overusing') {
      if (nowMs - this.lastDecreaseMs >= 200) {
        const base = acked !== undefined ? Math.min(acked, this.rate) : this.rate;
        this.rate = 0.85 * base;
        this.lastDecreaseMs = nowMs;
      }
      this.rateState = 'hold';
    } else if (this.usage === 'underusing') {
      this.rateState = 'hold';
    } else {
      if (this.rateState === 'hold') this.rateState = 'increase';
      if (this.rateState === 'increase') {
        const cap = acked !== undefined ? 1.5 * acked + 10_000 : Infinity;
        if (this.rate < cap) this.rate = Math.min(cap, this.rate * Math.pow(1.08, dt / 1000));
      }
    }
    this.rate = Math.min(this.maxBitrate, Math.max(this.minBitrate, this.rate));
  }
}

function slope(points: { x: number; y: number }[]): number | undefined {
  let sx = 0, sy = 0;
  for (const p of points) { sx += p.x; sy += p.y; }
  const mx = sx / points.length, my = sy / points.length;
  let num = 0, den = 0;
  for (const p of points) { num += (p.x - mx) * (p.y - my); den += (p.x - mx) ** 2; }
  return den === 0 ? undefined : num / den;
}
