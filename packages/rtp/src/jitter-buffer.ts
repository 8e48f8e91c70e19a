import { DropLog, type Logger } from '@x/base';
import { rtpLogger } from './rtp-log.js';
import { SequenceNumberUnwrapper } from './sequence-number.js';
import type { RtpDepacketizer } from './codec.js';
import type { RtpPacket } from './rtp-packet.js';

/** Options of {@link JitterBuffer}. */
export interface JitterBufferOptions {
  /** Tells frame starts and keyframes apart for the codec. */
  depacketizer: Pick<RtpDepacketizer, 'isFrameStart' | 'isKeyframe'>;
  /** Most packets held; older ones are evicted. Default 512. */
  capacity?: number;
  /**
   * Video: the first frame, and the first after a decode-breaking loss, must be a keyframe.
   * Audio (`false`): every packet is a frame and losses are skipped. Default true.
   */
  video?: boolean;
  /**
   * Says when decoding breaks (a frame that cannot be completed, waiting for a keyframe) and
   * resumes, and the first packet dropped late, duplicated or evicted (then counts), prefixed
   * `[rtp]`. Without one, `NODE_DEBUG=x-rtp` writes them to stderr.
   */
  logger?: Logger;
}

/** A complete frame, in order, ready for the depacketizer. */
export interface AssembledFrame {
  timestamp: number;
  keyframe: boolean;
  firstSequenceNumber: number;
  lastSequenceNumber: number;
  /** The packets of the frame in sequence order. */
  packets: RtpPacket[];
  /** Their payloads, for {@link RtpDepacketizer.depacketize}. */
  payloads: Uint8Array[];
}

/** Counters of a {@link JitterBuffer}. */
export interface JitterBufferStats {
  packetsInserted: number;
  duplicates: number;
  /** Packets that came after their frame was delivered or skipped. */
  late: number;
  evicted: number;
  framesDelivered: number;
  /** Padding-only packets consumed between frames. */
  padding: number;
  /** Times the buffer gave up on the next frame and waited for a keyframe. */
  keyframeWaits: number;
}

/**
 * Reorders RTP packets, assembles frames (a run of packets with one timestamp ending at the marker
 * bit) and hands them out in decode order. It reports gaps (for NACK), and after a loss that breaks
 * decoding (packets declared lost, or evicted) it waits for a keyframe and raises
 * {@link JitterBuffer.needsKeyframe} (for PLI). Sans-IO: no timers; the owner decides when a gap is
 * lost by calling {@link JitterBuffer.markLost} (for example when NACK retries run out).
 */
export class JitterBuffer {
  private readonly packets = new Map<number, RtpPacket>();
  private readonly lost = new Set<number>();
  private readonly unwrapper = new SequenceNumberUnwrapper();
  private readonly capacity: number;
  private readonly video: boolean;
  private readonly depacketizer: JitterBufferOptions['depacketizer'];
  private next: number | undefined;
  private highest = -Infinity;
  private waitingForKeyframe: boolean;
  /** A complete delta frame was passed over while waiting for the first keyframe (joined mid-stream). */
  private skippedDeltaFrame = false;
  private readonly log: DropLog;
  /** Counters. */
  readonly stats: JitterBufferStats = { packetsInserted: 0, duplicates: 0, late: 0, evicted: 0, framesDelivered: 0, padding: 0, keyframeWaits: 0 };

  constructor(options: JitterBufferOptions) {
    this.depacketizer = options.depacketizer;
    this.capacity = options.capacity ?? 512;
    this.video = options.video ?? true;
    this.waitingForKeyframe = this.video;
    this.log = new DropLog(rtpLogger(options.logger));
  }

  /** Whether the receiver cannot decode until a keyframe arrives: time to send PLI (or FIR). */
  get needsKeyframe(): boolean {
    // Before the first frame: ask once a delta frame was passed over, or once a packet was given up on
    // (the first keyframe is broken; a sender of a still picture may send nothing after it).
    return this.waitingForKeyframe && (this.next !== undefined || this.skippedDeltaFrame || this.lost.size > 0);
  }

  /** Packets held. */
  get size(): number {
    return this.packets.size;
  }

  /** Add a received packet. Duplicates and packets older than the delivered frames are dropped. */
  insert(packet: RtpPacket): void {
    const ext = this.unwrapper.unwrap(packet.sequenceNumber);
    if (this.next !== undefined && ext < this.next) {
      this.stats.late++;
      if (this.log.on) this.log.drop('late packets', () => `packet ${packet.sequenceNumber} dropped: it came after its frame was delivered or skipped`);
      return;
    }
    if (this.packets.has(ext)) {
      this.stats.duplicates++;
      if (this.log.on) this.log.drop('duplicate packets', () => `packet ${packet.sequenceNumber} dropped: a duplicate`);
      return;
    }
    this.stats.packetsInserted++;
    this.packets.set(ext, packet);
    this.lost.delete(ext);
    if (ext > this.highest) {
      this.highest = ext;
      this.evict(ext - this.capacity + 1);
    }
  }

  /** Declare sequence numbers that will never arrive (NACK gave up). */
  markLost(sequenceNumbers: Iterable<number>): void {
    for (const seq of sequenceNumbers) {
      const ext = this.nearest(seq);
      if (!this.packets.has(ext) && (this.next === undefined || ext >= this.next)) this.lost.add(ext);
    }
  }

  /**
   * Give up on gaps more than `reorderTolerance` packets behind the newest one: for streams
   * without NACK, where a missing packet is only ever late, never resent.
   */
  skipOldGaps(reorderTolerance: number): void {
    const from = this.next ?? (this.packets.size ? Math.min(...this.packets.keys()) : this.highest);
    for (let e = from; e < this.highest - reorderTolerance; e++) if (!this.packets.has(e)) this.lost.add(e);
  }

  /** Sequence numbers missing between the next frame to deliver and the newest packet, not yet declared lost. */
  missing(): number[] {
    const out: number[] = [];
    if (this.highest === -Infinity) return out;
    const from = this.next ?? Math.min(...this.packets.keys());
    for (let e = from; e < this.highest; e++) if (!this.packets.has(e) && !this.lost.has(e)) out.push(e & 0xffff);
    return out;
  }

  /** The next complete, decodable frame, or undefined. Call until undefined after each insert. */
  pop(): AssembledFrame | undefined {
    if (this.next !== undefined && !this.waitingForKeyframe) {
      // Padding-only packets (bandwidth probes, RFC 3550 §5.1 P bit with no payload) sit between
      // frames: they keep the sequence contiguous and are consumed here.
      while (this.packets.get(this.next)?.payload.length === 0) {
        this.packets.delete(this.next);
        this.next++;
        this.stats.padding++;
      }
      const end = this.frameEnd(this.next);
      if (end !== undefined) return this.deliver(this.next, end);
      if (!this.isLost(this.next) && !this.brokenAhead(this.next)) return undefined;
      // The frame at `next` cannot be completed.
      if (this.video) {
        this.waitingForKeyframe = true;
        this.stats.keyframeWaits++;
        if (this.log.on) this.log.logger.debug(`frame at packet ${this.next & 0xffff} cannot be completed (${this.isLost(this.next) ? 'its first packet' : 'a packet of it'} was given up on): waiting for a keyframe`);
      } else {
        if (this.log.on) this.log.drop('lost audio packets skipped', () => `packet ${this.next! & 0xffff} given up on: skipped`);
        const keys = [...this.packets.keys()].filter((k) => k > this.next!);
        if (keys.length === 0) { this.next = this.highest + 1; return undefined; }
        this.next = Math.min(...keys);
        return this.pop();
      }
    }
    // Look for a frame we can start from: a keyframe for video, any frame start for audio.
    const keys = [...this.packets.keys()].sort((a, b) => a - b);
    for (const k of keys) {
      if (!this.isStart(k)) continue;
      const end = this.frameEnd(k);
      if (end === undefined) continue;
      const payloads: Uint8Array[] = [];
      for (let e = k; e <= end; e++) payloads.push(this.packets.get(e)!.payload);
      if (this.video && !this.depacketizer.isKeyframe(payloads)) {
        if (this.log.on && !this.skippedDeltaFrame && this.next === undefined) this.log.logger.debug(`first complete frame (packet ${k & 0xffff}) is not a keyframe: waiting for one`);
        this.skippedDeltaFrame = true;
        continue;
      }
      let dropped = 0;
      for (const old of keys) { if (old >= k) break; this.packets.delete(old); dropped++; }
      if (this.log.on && this.video && this.next !== undefined) this.log.logger.debug(`decoding resumes at keyframe packet ${k & 0xffff}${dropped > 0 ? ` (${dropped} packet${dropped === 1 ? '' : 's'} before it dropped)` : ''}`);
      for (const l of this.lost) if (l < k) this.lost.delete(l);
      this.waitingForKeyframe = false;
      this.skippedDeltaFrame = false;
      return this.deliver(k, end);
    }
    return undefined;
  }

  private nearest(seq: number): number {
    if (this.highest === -Infinity) return seq;
    return this.highest + ((((seq - this.highest) & 0xffff) << 16) >> 16);
  }

  private isLost(ext: number): boolean {
    return this.lost.has(ext);
  }

  /** Whether a packet of the frame starting at `start` is lost (scan until a marker or a gap). */
  private brokenAhead(start: number): boolean {
    for (let e = start; e <= this.highest; e++) {
      if (this.lost.has(e)) return true;
      const p = this.packets.get(e);
      if (!p) return false;
      if (p.marker) return false;
    }
    return false;
  }

  private isStart(ext: number): boolean {
    const p = this.packets.get(ext)!;
    if (p.payload.length === 0) return false; // padding
    if (!this.video) return true;
    if (ext === this.next) return true;
    const prev = this.packets.get(ext - 1);
    if (prev && (prev.marker || prev.timestamp !== p.timestamp)) return true;
    return this.depacketizer.isFrameStart(p.payload);
  }

  /** The extended sequence number that ends the frame starting at `start`, if all its packets are here. */
  private frameEnd(start: number): number | undefined {
    const first = this.packets.get(start);
    if (!first) return undefined;
    if (!this.video) return start;
    for (let e = start; ; e++) {
      const p = this.packets.get(e);
      if (!p) return undefined;
      // The timestamp moved on, or padding follows, without a marker: the sender did not set it.
      if (p.timestamp !== first.timestamp || p.payload.length === 0) return e - 1;
      if (p.marker) return e;
    }
  }

  private deliver(start: number, end: number): AssembledFrame {
    const packets: RtpPacket[] = [];
    for (let e = start; e <= end; e++) {
      packets.push(this.packets.get(e)!);
      this.packets.delete(e);
    }
    for (const l of this.lost) if (l <= end) this.lost.delete(l);
    this.next = end + 1;
    this.stats.framesDelivered++;
    const payloads = packets.map((p) => p.payload);
    return {
      timestamp: packets[0]!.timestamp,
      keyframe: this.depacketizer.isKeyframe(payloads),
      firstSequenceNumber: start & 0xffff,
      lastSequenceNumber: end & 0xffff,
      packets,
      payloads,
    };
  }

  private evict(windowStart: number): void {
    if (this.packets.size <= this.capacity && (this.next === undefined || this.next >= windowStart)) return;
    for (const k of this.packets.keys()) {
      if (k < windowStart) {
        this.packets.delete(k);
        this.stats.evicted++;
        if (this.log.on) this.log.drop('packets evicted', () => `packet ${k & 0xffff} evicted: more than ${this.capacity} packets held`);
      }
    }
    for (const l of this.lost) if (l < windowStart) this.lost.delete(l);
    if (this.next !== undefined && this.next < windowStart) {
      // What we were waiting for is gone for good.
      if (this.video) {
        if (!this.waitingForKeyframe) {
          this.stats.keyframeWaits++;
          if (this.log.on) this.log.logger.debug(`packet ${this.next & 0xffff} never came and is out of the buffer (capacity ${this.capacity}): waiting for a keyframe`);
        }
        this.waitingForKeyframe = true;
      }
      this.next = windowStart;
    }
  }
}
