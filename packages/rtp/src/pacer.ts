/**
 * A paced sender, sans-IO, after libwebrtc's `modules/pacing`: RTP packets wait in a queue and
 * leave at a pacing rate instead of in the burst the packetizer made them in, so a keyframe (tens
 * of packets at once) does not overflow a bottleneck's drop-tail queue.
 *
 * The rate is spent as a byte debt: each packet sent adds its size, the debt drains at the pacing
 * rate, and packets leave while the debt is under a burst allowance (a few ms worth). Between
 * polls at least a process interval passes (libwebrtc: 5 ms), so a queue drains in small bursts
 * rather than one timer per packet. Audio is never queued behind video: it leaves at the next
 * poll whatever the debt (its bytes still count, so video yields to it). Retransmissions leave
 * before new video. When the oldest queued packet has waited so long that the queue would not be
 * out within the queue-time limit (libwebrtc: 2 s), the rate rises to drain it by then.
 */
import { RtpError } from './errors.js';

/** What a packet is, for its priority: audio is not paced, retransmissions go before video. */
export type PacedPacketKind = 'audio' | 'video' | 'retransmission';

/** Options of {@link Pacer}. */
export interface PacerOptions {
  /** Bits per second to start with. Default 1 Mbit/s. */
  pacingRate?: number;
  /** How much may leave at once after an idle period, as ms at the pacing rate. Default 5 ms. */
  burstMs?: number;
  /** The shortest time between two polls that send queued packets, ms. Default 5 ms (libwebrtc's process interval). */
  processIntervalMs?: number;
  /**
   * A late poll may catch up on this much sending time it missed, ms (libwebrtc: 30 ms). More
   * would turn a stalled timer into a burst; less would lose rate whenever timers run late.
   */
  maxCatchUpMs?: number;
  /** The oldest queued packet should leave within this many ms; the rate rises to make it. Default 2000 (libwebrtc's queue-time limit). */
  maxQueueTimeMs?: number;
  /** At most this many packets wait; beyond it the oldest video packet is dropped. Default 5000 (about 6 MB). */
  maxQueuedPackets?: number;
}

/** Counters of a {@link Pacer}. */
export interface PacerStats {
  /** Packets that left through {@link Pacer.poll}. */
  packetsSent: number;
  bytesSent: number;
  /** Video or retransmission packets dropped because the queue was full. */
  packetsDropped: number;
  bytesDropped: number;
  /** Polls at which the queue-time limit raised the rate above the pacing rate. */
  drainPolls: number;
  /** The longest any packet waited in the queue, ms. */
  maxQueueDelayMs: number;
}

/** A FIFO of packets with the time each was queued; an array with a moving head, so no shift() copy. */
class PacketQueue {
  packets: Uint8Array[] = [];
  times: number[] = [];
  head = 0;

  get length(): number {
    return this.packets.length - this.head;
  }

  push(packet: Uint8Array, nowMs: number): void {
    this.packets.push(packet);
    this.times.push(nowMs);
  }

  oldestTime(): number {
    return this.times[this.head]!;
  }

  shift(): Uint8Array {
    const p = this.packets[this.head]!;
    this.head++;
    if (this.head === this.packets.length) this.clear();
    else if (this.head >= 1024 && this.head * 2 >= this.packets.length) {
      // Reclaim the consumed front now and then; amortized O(1) per packet.
      this.packets = this.packets.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return p;
  }

  clear(): void {
    this.packets = [];
    this.times = [];
    this.head = 0;
  }
}

/** Spreads RTP packets over time at a pacing rate; see the module comment. Times are ms from any monotonic clock. */
export class Pacer {
  readonly stats: PacerStats = { packetsSent: 0, bytesSent: 0, packetsDropped: 0, bytesDropped: 0, drainPolls: 0, maxQueueDelayMs: 0 };
  readonly #audio = new PacketQueue();
  readonly #retransmissions = new PacketQueue();
  readonly #video = new PacketQueue();
  readonly #burstMs: number;
  readonly #processIntervalMs: number;
  readonly #maxCatchUpMs: number;
  readonly #maxQueueTimeMs: number;
  readonly #maxQueuedPackets: number;
  /** Bits per second asked for by {@link setPacingRate}. */
  #pacingRate: number;
  /** The rate in force since the last poll (the pacing rate, or more to drain an old queue), bytes per ms. */
  #bytesPerMs: number;
  /** Bytes sent that the rate has not paid off yet; negative after a late poll (catch-up credit). */
  #debt = 0;
  #lastPollMs: number | undefined;
  #lastEnqueueMs = 0;
  #queuedBytes = 0;

  constructor(options: PacerOptions = {}) {
    this.#pacingRate = positive(options.pacingRate ?? 1_000_000, 'pacingRate');
    this.#bytesPerMs = this.#pacingRate / 8000;
    this.#burstMs = options.burstMs ?? 5;
    this.#processIntervalMs = options.processIntervalMs ?? 5;
    this.#maxCatchUpMs = options.maxCatchUpMs ?? 30;
    this.#maxQueueTimeMs = options.maxQueueTimeMs ?? 2000;
    this.#maxQueuedPackets = Math.max(1, options.maxQueuedPackets ?? 5000);
  }

  /** The pacing rate, bits per second (without the rise the queue-time limit may add). */
  get pacingRate(): number {
    return this.#pacingRate;
  }

  /** Sets the pacing rate, bits per second; it applies from the next poll. */
  setPacingRate(bitsPerSecond: number): void {
    this.#pacingRate = positive(bitsPerSecond, 'pacingRate');
  }

  /** Packets waiting (audio included until the next poll). */
  get queuedPackets(): number {
    return this.#audio.length + this.#retransmissions.length + this.#video.length;
  }

  /** Bytes waiting. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Queue a packet at `nowMs`. When the queue is full the oldest video packet (else retransmission) is dropped and counted. */
  enqueue(packet: Uint8Array, kind: PacedPacketKind, nowMs: number): void {
    this.#lastEnqueueMs = nowMs;
    const queue = kind === 'audio' ? this.#audio : kind === 'retransmission' ? this.#retransmissions : this.#video;
    queue.push(packet, nowMs);
    this.#queuedBytes += packet.length;
    if (this.#retransmissions.length + this.#video.length > this.#maxQueuedPackets) {
      const victim = this.#video.length > 0 ? this.#video : this.#retransmissions;
      const dropped = victim.shift();
      this.#queuedBytes -= dropped.length;
      this.stats.packetsDropped++;
      this.stats.bytesDropped += dropped.length;
    }
  }

  /** The packets that may leave at `nowMs`, in sending order: audio, then retransmissions, then video. */
  poll(nowMs: number): Uint8Array[] {
    this.#drainDebt(nowMs);
    const out: Uint8Array[] = [];
    while (this.#audio.length > 0) this.#take(this.#audio, nowMs, out);
    const burst = this.#bytesPerMs * this.#burstMs;
    while (this.#debt < burst) {
      const queue = this.#retransmissions.length > 0 ? this.#retransmissions : this.#video.length > 0 ? this.#video : undefined;
      if (queue === undefined) break;
      this.#take(queue, nowMs, out);
    }
    return out;
  }

  /**
   * When {@link poll} should next be called, ms; undefined while nothing waits. At or before the
   * time of the last enqueue when something may leave at once.
   */
  nextSendTime(): number | undefined {
    if (this.queuedPackets === 0) return undefined;
    const last = this.#lastPollMs;
    if (this.#audio.length > 0 || last === undefined) return this.#lastEnqueueMs;
    const over = this.#debt - this.#bytesPerMs * this.#burstMs;
    if (over < 0) return Math.max(last, this.#lastEnqueueMs);
    return last + Math.max(this.#processIntervalMs, over / this.#bytesPerMs);
  }

  /** Forgets every queued packet (on close); they are not counted as dropped. */
  clear(): void {
    this.#audio.clear();
    this.#retransmissions.clear();
    this.#video.clear();
    this.#queuedBytes = 0;
  }

  /** Pays off the debt for the time since the last poll, at the rate in force, and sets the rate for the next interval. */
  #drainDebt(nowMs: number): void {
    const last = this.#lastPollMs;
    if (last !== undefined && nowMs > last) {
      // Credit for a late poll only while packets were waiting: an idle pacer banks nothing, so
      // its first burst stays within the burst allowance.
      const waiting = this.#retransmissions.length + this.#video.length > 0;
      const floor = waiting ? -this.#bytesPerMs * this.#maxCatchUpMs : 0;
      this.#debt = Math.max(floor, this.#debt - this.#bytesPerMs * (nowMs - last));
    }
    if (last === undefined || nowMs > last) this.#lastPollMs = nowMs;
    this.#bytesPerMs = this.#rateFor(nowMs) / 8000;
  }

  /**
   * The pacing rate, or the rate that empties the queue before its oldest packet has waited
   * {@link PacerOptions.maxQueueTimeMs} (libwebrtc's drain rule), whichever is higher. Raised
   * poll by poll, the queue shrinks linearly to empty at the limit, so this does not make a burst
   * unless the rate was cut so suddenly that the queue is already overdue (then it goes within one
   * process interval, as libwebrtc's does).
   */
  #rateFor(nowMs: number): number {
    const oldest = Math.min(
      this.#retransmissions.length > 0 ? this.#retransmissions.oldestTime() : Infinity,
      this.#video.length > 0 ? this.#video.oldestTime() : Infinity,
    );
    if (oldest === Infinity) return this.#pacingRate;
    const timeLeftMs = Math.max(this.#processIntervalMs, this.#maxQueueTimeMs - (nowMs - oldest));
    const needed = (this.#queuedBytes * 8000) / timeLeftMs;
    if (needed <= this.#pacingRate) return this.#pacingRate;
    this.stats.drainPolls++;
    return needed;
  }

  #take(queue: PacketQueue, nowMs: number, out: Uint8Array[]): void {
    const waited = nowMs - queue.oldestTime();
    if (waited > this.stats.maxQueueDelayMs) this.stats.maxQueueDelayMs = waited;
    const p = queue.shift();
    this.#queuedBytes -= p.length;
    this.#debt += p.length;
    this.stats.packetsSent++;
    this.stats.bytesSent += p.length;
    out.push(p);
  }
}

function positive(n: number, name: string): number {
  if (!(n > 0) || !Number.isFinite(n)) throw new RtpError('invalid-argument', `${name} must be a positive finite number, got ${n}`);
  return n;
}
