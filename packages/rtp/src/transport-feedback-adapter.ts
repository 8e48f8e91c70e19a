import { SequenceNumberUnwrapper } from './sequence-number.js';
import type { TransportWideCcFeedback } from './rtcp-transport-wide-cc.js';

/** One sent packet's fate, as transport-wide feedback told it. */
export interface PacketResult {
  /** Transport-wide sequence number (extended). */
  sequenceNumber: number;
  /** Bytes sent (the whole RTP packet). */
  size: number;
  /** Send time, sender clock, ms. */
  sendTimeMs: number;
  /** Arrival time, receiver clock (offset unknown), ms; undefined when lost. */
  arrivalTimeMs: number | undefined;
}

/**
 * Sender side of transport-wide CC: remembers when each transport-wide sequence number was sent and
 * how big it was, and turns feedback packets into {@link PacketResult}s with absolute receive times
 * (reference time × 64 ms plus the 250 µs deltas).
 */
export class TransportFeedbackAdapter {
  private readonly unwrapper = new SequenceNumberUnwrapper();
  private readonly sent = new Map<number, { size: number; sendTimeMs: number }>();
  private lastExt = -1;
  private referenceUnwrap: { last: number; offset: number } | undefined;

  constructor(private readonly historyMs = 60_000) {}

  /** Record a packet sent with transport-wide sequence number `seq`. */
  onPacketSent(seq: number, size: number, sendTimeMs: number): void {
    const ext = this.unwrapper.unwrap(seq);
    this.sent.set(ext, { size, sendTimeMs });
    this.lastExt = Math.max(this.lastExt, ext);
    // Forget history older than historyMs (entries are in send order).
    for (const [k, v] of this.sent) {
      if (sendTimeMs - v.sendTimeMs <= this.historyMs) break;
      this.sent.delete(k);
    }
  }

  /** Bytes sent but not yet reported on. */
  get packetsInFlight(): number {
    return this.sent.size;
  }

  /** The results of one feedback packet, in sequence order; unknown sequence numbers are skipped. */
  onFeedback(fb: TransportWideCcFeedback): PacketResult[] {
    // Reference time is a signed 24-bit count of 64 ms that wraps; keep it increasing.
    let ref = fb.referenceTime & 0xffffff;
    if (!this.referenceUnwrap) this.referenceUnwrap = { last: ref, offset: 0 };
    else {
      const diff = ((((ref - this.referenceUnwrap.last) & 0xffffff) << 8) >> 8);
      const unwrapped = this.referenceUnwrap.last + this.referenceUnwrap.offset + diff;
      this.referenceUnwrap.offset = unwrapped - ref;
      this.referenceUnwrap.last = ref;
    }
    ref += this.referenceUnwrap.offset;
    let arrivalUs = ref * 64_000;
    const out: PacketResult[] = [];
    // Map the feedback's 16-bit base to the extended number nearest to the newest sent packet.
    const baseExt = this.lastExt + (((((fb.baseSequenceNumber - this.lastExt) & 0xffff) << 16) >> 16));
    fb.packets.forEach((p, i) => {
      const ext = baseExt + i;
      if (p.receiveDelta !== null) arrivalUs += p.receiveDelta * 250;
      const s = this.sent.get(ext);
      if (!s) return;
      this.sent.delete(ext);
      out.push({ sequenceNumber: ext, size: s.size, sendTimeMs: s.sendTimeMs, arrivalTimeMs: p.receiveDelta === null ? undefined : arrivalUs / 1000 });
    });
    return out;
  }
}
