/**
 * The sans-IO core of the TCP relay: an emulated TCP sender on the impaired leg between the
 * relay's two real sockets. A byte stream cannot lose bytes, so loss cannot be applied to it the
 * way it is to datagrams; what loss does to TCP is make it wait and slow down. This core models
 * both, per MSS-sized segment:
 *
 * - every segment crosses the link: rate serialization, then the one-way delay ± jitter, bytes
 *   always in order (jitter never reorders a stream);
 * - a segment is lost with the model's probability (independent or Gilbert–Elliott), or when the
 *   rate limiter's drop-tail queue is full. The lost segment, and everything behind it (head-of-line
 *   blocking), arrives one recovery later: about one RTT for a fast retransmit when at least three
 *   segments follow it and the window holds four or more (three duplicate ACKs), else one RTO
 *   (`max(minRtoMs, RTT + 4·jitter)`); a retransmission lost again costs another RTO;
 * - with `congestionControl: 'reno'` (default) a window limits the bytes in flight: slow start from
 *   10 segments, additive increase by one MSS per RTT, halved at most once per RTT on loss
 *   (NewReno with SACK, roughly), so throughput follows the classic ~MSS/RTT·1.22/√p. With
 *   `'loss-blind'` loss only delays (a BBR-like sender that keeps its rate through random loss).
 *
 * ACKs come back after the reverse direction's delay (`ackDelayMs`) and are never lost. The
 * receiver's window is `maxWindowBytes`. Time is passed in; nothing here touches a socket or timer.
 */
import { sampleDelay } from './delay-distribution.js';
import { GilbertElliott } from './gilbert-elliott.js';
import { defaultQueueBytes, validateModel } from './impairment-model.js';
import type { ImpairmentModel } from './impairment-model.js';
import { NetemError } from './netem-error.js';
import { Prng } from './prng.js';

/** How the emulated sender reacts to loss. */
export type TcpCongestionControl = 'reno' | 'loss-blind';

/** Options of the emulated TCP sender. */
export interface TcpFlowOptions {
  /** Segment size in bytes (default 1448: a 1500-byte MTU less IPv4, TCP and timestamp headers). */
  readonly mss?: number;
  /** Delay of the ACK path in ms (default: the model's `delayMs`, a symmetric path). */
  readonly ackDelayMs?: number;
  /** Lower bound of the retransmission timeout in ms (default 200, Linux's TCP_RTO_MIN). */
  readonly minRtoMs?: number;
  /** Initial window in segments (default 10, RFC 6928). */
  readonly initialWindowSegments?: number;
  /** Largest window in bytes: the receiver's buffer (default 4 MiB). */
  readonly maxWindowBytes?: number;
  /** Reaction to loss (default `'reno'`). */
  readonly congestionControl?: TcpCongestionControl;
}

/** Counters of one emulated TCP direction. */
export interface TcpFlowCounters {
  /** Bytes sent over the emulated leg. */
  bytes: number;
  /** Segments sent (first transmissions). */
  segments: number;
  /** Segments lost by the loss model. */
  lostSegments: number;
  /** Segments lost because the drop-tail queue was full. */
  queueDrops: number;
  /** Losses repaired by fast retransmit (about one RTT). */
  fastRetransmits: number;
  /** Losses repaired by retransmission timeout. */
  timeouts: number;
  /** Window reductions. */
  windowReductions: number;
}

/** Answer of {@link TcpFlowEmulator.send}; one object reused for every call. */
export interface TcpSendResult {
  /** When the bytes reach the far end, in order with everything sent before (ms). */
  readonly deliverAt: number;
  /** When the sender learns they arrived; call {@link TcpFlowEmulator.ack} then (ms). */
  readonly ackAt: number;
  /** Segments of this piece that were lost (and repaired) on the way. */
  readonly lostSegments: number;
}

/** One direction of emulated TCP over an {@link ImpairmentModel}. */
export class TcpFlowEmulator {
  /** Counts since construction. */
  readonly counters: TcpFlowCounters = {
    bytes: 0, segments: 0, lostSegments: 0, queueDrops: 0, fastRetransmits: 0, timeouts: 0, windowReductions: 0,
  };
  /** Bytes sent and not yet acknowledged. */
  inFlight = 0;
  private readonly prng: Prng;
  private readonly burst: GilbertElliott | undefined;
  private readonly mss: number;
  private readonly ackDelay: number;
  private readonly minRto: number;
  private readonly maxWindow: number;
  private readonly reno: boolean;
  private readonly queueLimit: number;
  private cwndBytes: number;
  private ssthresh = Infinity;
  private linkFreeAt = -Infinity;
  private lastDelivery = -Infinity;
  private lastReduction = -Infinity;
  private readonly result = { deliverAt: 0, ackAt: 0, lostSegments: 0 };

  constructor(private readonly model: ImpairmentModel, options: TcpFlowOptions = {}) {
    validateModel(model);
    this.mss = options.mss ?? 1448;
    if (!Number.isInteger(this.mss) || this.mss < 1 || this.mss > 65_535) {
      throw new NetemError('INVALID_ARGUMENT', `mss ${this.mss} is not within 1..65535`);
    }
    const nonNegative = (x: number | undefined, what: string): void => {
      if (x !== undefined && !(Number.isFinite(x) && x >= 0)) throw new NetemError('INVALID_ARGUMENT', `${what} must be >= 0`);
    };
    nonNegative(options.ackDelayMs, 'ackDelayMs');
    nonNegative(options.minRtoMs, 'minRtoMs');
    nonNegative(options.maxWindowBytes, 'maxWindowBytes');
    nonNegative(options.initialWindowSegments, 'initialWindowSegments');
    this.prng = new Prng(model.seed ?? 1);
    this.burst = model.burstLoss ? new GilbertElliott(model.burstLoss) : undefined;
    this.ackDelay = options.ackDelayMs ?? model.delayMs ?? 0;
    this.minRto = options.minRtoMs ?? 200;
    this.maxWindow = Math.max(this.mss, options.maxWindowBytes ?? 4 * 1024 * 1024);
    this.reno = (options.congestionControl ?? 'reno') === 'reno';
    this.cwndBytes = Math.min(this.maxWindow, (options.initialWindowSegments ?? 10) * this.mss);
    this.queueLimit = model.rateBitsPerSecond === undefined
      ? Infinity
      : (model.queueBytes ?? defaultQueueBytes(model.rateBitsPerSecond));
  }

  /** Segment size in bytes. */
  get segmentSize(): number {
    return this.mss;
  }

  /** Congestion window in bytes (the receive window when loss-blind). */
  get cwnd(): number {
    return this.reno ? this.cwndBytes : this.maxWindow;
  }

  /** Round-trip time of the path without queueing, in ms. */
  get baseRtt(): number {
    return (this.model.delayMs ?? 0) + this.ackDelay;
  }

  /** Whole bytes that may be sent now: window less bytes in flight (0 when the window is full). */
  window(): number {
    const w = Math.floor(Math.min(this.cwnd, this.maxWindow) - this.inFlight);
    return w > 0 ? w : 0;
  }

  /**
   * Sends `length` bytes at `now` (at most {@link window}, more is allowed but overfills the
   * window). `queuedAfter` is how many bytes wait behind this piece, which decides whether a loss
   * is repaired by fast retransmit or by timeout. Returns the shared result: read it first.
   */
  send(length: number, now: number, queuedAfter = 0): TcpSendResult {
    const c = this.counters;
    const m = this.model;
    const segments = Math.max(1, Math.ceil(length / this.mss));
    c.bytes += length;
    c.segments += segments;
    this.inFlight += length;
    let departure = now;
    let queueLoss = false;
    const rate = m.rateBitsPerSecond;
    if (rate !== undefined) {
      const start = this.linkFreeAt > now ? this.linkFreeAt : now;
      const backlog = ((start - now) * rate) / 8000;
      queueLoss = backlog > 0 && backlog + length > this.queueLimit;
      this.linkFreeAt = start + (length * 8000) / rate;
      departure = this.linkFreeAt;
    }
    const natural = departure + sampleDelay(this.model, this.prng);
    let lost = 0;
    let firstLost = -1;
    for (let i = 0; i < segments; i++) {
      if (this.lose()) {
        lost++;
        if (firstLost < 0) firstLost = i;
      }
    }
    if (queueLoss && lost === 0) {
      lost = 1;
      firstLost = segments - 1; // the tail of the burst met the full queue
      c.queueDrops++;
    } else {
      c.lostSegments += lost;
    }
    let arrival = natural;
    if (lost > 0) {
      const rtt = this.baseRtt;
      const rto = Math.max(this.minRto, rtt + 4 * (m.jitterMs ?? 0));
      const behind = (segments - firstLost - 1) * this.mss + queuedAfter;
      const fast = this.cwnd >= 4 * this.mss && behind >= 3 * this.mss;
      let penalty = fast ? Math.max(rtt, 1) : rto;
      if (fast) c.fastRetransmits++;
      else c.timeouts++;
      while (this.lose()) {
        penalty += rto; // the retransmission was lost too
        c.timeouts++;
      }
      arrival += penalty;
      if (this.reno && now - this.lastReduction >= rtt) {
        this.lastReduction = now;
        this.ssthresh = Math.max(this.cwndBytes / 2, 2 * this.mss);
        this.cwndBytes = this.ssthresh;
        c.windowReductions++;
      }
    }
    if (arrival < this.lastDelivery) arrival = this.lastDelivery; // a stream is delivered in order
    this.lastDelivery = arrival;
    const r = this.result;
    r.deliverAt = arrival;
    // With SACK the sender hears of what arrived as it arrives; a repaired piece, once repaired.
    r.ackAt = (lost > 0 ? arrival : natural) + this.ackDelay;
    r.lostSegments = lost;
    return r;
  }

  /** The ACK for `length` bytes sent earlier arrived (call at its `ackAt`): frees the window and grows it. */
  ack(length: number): void {
    this.inFlight = Math.max(0, this.inFlight - length);
    if (!this.reno) return;
    if (this.cwndBytes < this.ssthresh) this.cwndBytes += length; // slow start (byte counting)
    else this.cwndBytes += (this.mss * length) / this.cwndBytes; // one MSS per window
    if (this.cwndBytes > this.maxWindow) this.cwndBytes = this.maxWindow;
  }

  private lose(): boolean {
    if (this.burst !== undefined) return this.burst.lose(this.prng);
    const loss = this.model.loss ?? 0;
    return loss > 0 && this.prng.next() < loss;
  }
}
