/**
 * The paced egress of one transport's RTP: every sender's media and RTX packets go through one
 * `@x/rtp` {@link Pacer}, so a keyframe or a NACK answered with tens of retransmissions leaves
 * spread over time instead of in one burst that a bottleneck's drop-tail queue cuts off. Audio is
 * not delayed; retransmissions go before new video.
 *
 * Each packet is stamped with its transport-wide sequence number and recorded with the bandwidth
 * estimator as it leaves (as libwebrtc's packet router does), so numbers follow the order on the
 * wire and the estimator sees real send times, not the time the packetizer made the packet. The
 * sender's outbound counters are bumped then too, through the callback it gave with the packet;
 * SRTP protects each packet once, as it leaves.
 *
 * The pacing rate is {@link PACING_FACTOR} × the larger of the send-side estimate (once
 * transport-cc feedback has given one) and the rate the application wrote over the last second,
 * and at least {@link MIN_PACING_RATE}. libwebrtc paces at 2.5 × the target its encoder is held
 * to; our applications write frames they encoded themselves, held to no target, so the rate they
 * actually write stands in for it. Pacing slower than that would only grow the queue until the
 * 2 s drain rule hurries it; and since the burst being paced counts in that rate, any burst is
 * out within about 1 s / 2.5 = 400 ms.
 *
 * Timers: one `setTimeout`, armed only while packets wait and only once the transport is keyed
 * ({@link PacedSender.start}); before that the media controller's tick polls (the sans-IO tests
 * drive it so). {@link PacedSender.close} clears it and forgets the queue.
 */
import { Pacer, rtpExtensionValueOffset, type PacedPacketKind, type PacerStats, type TransportCc } from '@x/rtp';

/** libwebrtc's pacing factor: the pacer may send 2.5 × the rate media is produced at, so bursts drain quickly. */
export const PACING_FACTOR = 2.5;
/**
 * The pacing rate never goes under 1 Mbit/s (2.5 × the 400 kbps a small video stream writes):
 * before feedback and with little written, a keyframe still leaves within about 100 ms per 12 KB.
 */
export const MIN_PACING_RATE = 1_000_000;

/** Called once a packet has been protected and handed to the transport, so its sender counts it. */
export type PacketSentCallback = (packet: Uint8Array) => void;

/** What the paced sender sends through and reads. */
export interface PacedSenderTransport {
  /** Protects and sends RTP; false when SRTP is not keyed yet or the connection closed. */
  sendRtp(packet: Uint8Array): boolean;
  /** Monotonic ms. */
  now(): number;
}

/** Counters of a {@link PacedSender}: the pacer's own and what the transport refused as packets left. */
export interface PacedSenderStats extends PacerStats {
  /** Packets the transport refused as they left the queue (SRTP gone, connection closed). */
  packetsRefused: number;
}

const WINDOW_MS = 1000;
const BUCKET_MS = 100;

/** Bytes written over the last second, in 100 ms buckets (no allocation per packet). */
class WrittenRate {
  readonly #buckets = new Float64Array(WINDOW_MS / BUCKET_MS);
  #bucket = -Infinity;

  add(bytes: number, nowMs: number): void {
    this.#advance(nowMs);
    this.#buckets[this.#bucket % this.#buckets.length]! += bytes;
  }

  /** Bits per second written over the last second. */
  bitsPerSecond(nowMs: number): number {
    this.#advance(nowMs);
    let sum = 0;
    for (const b of this.#buckets) sum += b;
    return (sum * 8 * 1000) / WINDOW_MS;
  }

  #advance(nowMs: number): void {
    const bucket = Math.floor(nowMs / BUCKET_MS);
    if (bucket <= this.#bucket) return;
    const n = this.#buckets.length;
    for (let b = Math.max(this.#bucket + 1, bucket - n + 1); b <= bucket; b++) this.#buckets[b % n] = 0;
    this.#bucket = bucket;
  }
}

/** One transport's RTP egress through a pacer; see the module comment. */
export class PacedSender {
  readonly #pacer = new Pacer({ pacingRate: MIN_PACING_RATE });
  readonly #written = new WrittenRate();
  /** Each queued packet's sender callback; weak, so a packet dropped from a full queue is forgotten with it. */
  readonly #onSent = new WeakMap<Uint8Array, PacketSentCallback>();
  #refused = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #timersOn = false;
  /** The transport has taken a packet: from then on packets are queued (before, SRTP is not keyed and they are refused at once, as before pacing). */
  #accepting = false;
  #closed = false;

  constructor(
    private readonly transport: PacedSenderTransport,
    private readonly transportCc: TransportCc,
    /** The negotiated transport-wide-cc extension id of the bundle, if any. */
    private readonly transportCcExtensionId: () => number | undefined,
    /** The send-side estimate, bits per second, once feedback gave one. */
    private readonly estimate: () => number | undefined,
    /** false: packets leave as they are written (the factory's `pacing: false`). */
    private readonly enabled = true,
  ) {}

  /** The pacer's counters and what the transport refused. */
  get stats(): PacedSenderStats {
    return { ...this.#pacer.stats, packetsRefused: this.#refused };
  }

  /** The pacing rate in force, bits per second. */
  get pacingRate(): number {
    return this.#pacer.pacingRate;
  }

  /** @internal Whether the pacing timer is set (tests check none is left). */
  get timerArmed(): boolean {
    return this.#timer !== undefined;
  }

  /** Packets waiting to leave. */
  get queuedPackets(): number {
    return this.#pacer.queuedPackets;
  }

  /**
   * A packet to send. True when it left or is queued (then `onSent` runs as it leaves); false
   * when the transport refused it at once (SRTP not keyed) or the connection is closed.
   */
  send(packet: Uint8Array, kind: PacedPacketKind, onSent: PacketSentCallback): boolean {
    if (this.#closed) return false;
    const now = this.transport.now();
    this.#written.add(packet.length, now);
    if (!this.enabled || !this.#accepting) {
      const ok = this.#egress(packet, onSent, now);
      if (ok) this.#accepting = true;
      return ok;
    }
    this.#onSent.set(packet, onSent);
    this.#pacer.enqueue(packet, kind, now);
    this.poll();
    return true;
  }

  /** Sends what the pacer lets go now and arms the timer for the rest (the controller's tick calls it too). */
  poll(): void {
    if (this.#closed) return;
    const now = this.transport.now();
    if (this.#pacer.queuedPackets > 0) {
      const estimate = this.estimate() ?? 0;
      this.#pacer.setPacingRate(PACING_FACTOR * Math.max(estimate, this.#written.bitsPerSecond(now), MIN_PACING_RATE / PACING_FACTOR));
      for (const p of this.#pacer.poll(now)) {
        const onSent = this.#onSent.get(p);
        this.#onSent.delete(p);
        if (!this.#egress(p, onSent, now)) this.#refused++;
      }
    }
    this.#arm(now);
  }

  /** SRTP is keyed: from now on a timer polls while packets wait. */
  start(): void {
    this.#timersOn = true;
    this.#arm(this.transport.now());
  }

  /** Clears the timer and forgets what waits. */
  close(): void {
    this.#closed = true;
    this.#disarm();
    this.#pacer.clear();
  }

  /** Stamps the transport-wide sequence number, protects and sends, records the send. */
  #egress(packet: Uint8Array, onSent: PacketSentCallback | undefined, now: number): boolean {
    const id = this.transportCcExtensionId();
    const tcc = this.transportCc;
    let seq = -1;
    if (id !== undefined) {
      const at = rtpExtensionValueOffset(packet, id);
      if (at >= 0 && at + 2 <= packet.length) {
        seq = tcc.sequence.next;
        packet[at] = seq >> 8;
        packet[at + 1] = seq & 0xff;
      }
    }
    if (!this.transport.sendRtp(packet)) return false;
    if (seq >= 0) {
      // Taken only once the packet is out: a refused packet leaves no gap the peer would report lost.
      tcc.sequence.next = (seq + 1) & 0xffff;
      tcc.estimator.onPacketSent(seq, packet.length, now);
    }
    onSent?.(packet);
    return true;
  }

  #arm(now: number): void {
    const next = this.#pacer.nextSendTime();
    if (!this.#timersOn || next === undefined) return this.#disarm();
    if (this.#timer !== undefined && this.#timerAt <= next) return;
    this.#disarm();
    this.#timerAt = next;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.poll();
    }, Math.max(0, Math.ceil(next - now)));
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }
}
