import { compactNtp, ntpTimeFromUnixMs } from './ntp-time.js';
import type { ReportBlock } from './rtcp-reports.js';

const RTP_SEQ_MOD = 1 << 16;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const MIN_SEQUENTIAL = 2;

/**
 * Reception statistics of one source as RFC 3550 Appendix A defines them: sequence number
 * validation and extended highest sequence (A.1), expected and lost counts with fraction lost
 * (A.3), interarrival jitter (A.8), and LSR/DLSR from the last SR received. Sans-IO: times are
 * passed in as ms on the receiver's clock.
 */
export class ReceiverStatistics {
  private maxSeq = 0;
  private cycles = 0;
  private baseSeq = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private probation = MIN_SEQUENTIAL;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private transit: number | undefined;
  private jitterQ4 = 0; // jitter × 16, kept as a float (A.8 keeps it scaled to avoid rounding)
  private lastSr: { compact: number; arrivalMs: number } | undefined;
  private started = false;

  /** @param ssrc the source these statistics describe. @param clockRate its RTP clock rate in Hz. */
  constructor(readonly ssrc: number, readonly clockRate: number) {}

  /** Packets counted as received (after probation). */
  get packetsReceived(): number {
    return this.received;
  }

  /**
   * Record one received packet with its arrival time. `jitter: false` counts it without an
   * interarrival sample, for a packet whose timestamp is not its sampling instant (an RFC 4733
   * event's packets all carry the event's start).
   */
  onPacket(sequenceNumber: number, rtpTimestamp: number, arrivalMs: number, jitter = true): void {
    if (!this.started) {
      this.initSeq(sequenceNumber);
      this.maxSeq = sequenceNumber - 1;
      this.probation = MIN_SEQUENTIAL;
      this.started = true;
    }
    if (!this.updateSeq(sequenceNumber)) return;
    if (!jitter) return;
    // A.8: transit time in timestamp units; jitter += (|D| - jitter) / 16.
    const arrival = (arrivalMs * this.clockRate) / 1000;
    const transit = arrival - rtpTimestamp;
    if (this.transit !== undefined) {
      let d = transit - this.transit;
      // RTP timestamps wrap at 2^32; fold the difference back.
      d = ((d % 2 ** 32) + 2 ** 32 + 2 ** 31) % 2 ** 32 - 2 ** 31;
      this.jitterQ4 += Math.abs(d) - this.jitterQ4 / 16;
    }
    this.transit = transit;
  }

  /** Record an SR from this source, for LSR and DLSR. */
  onSenderReport(ntpTime: bigint, arrivalMs: number): void {
    this.lastSr = { compact: compactNtp(ntpTime), arrivalMs };
  }

  /** Interarrival jitter in timestamp units. */
  get jitter(): number {
    return Math.floor(this.jitterQ4 / 16);
  }

  /** Extended highest sequence number received. */
  get extendedHighestSequence(): number {
    return (this.cycles + this.maxSeq) >>> 0;
  }

  /** Cumulative packets lost: expected minus received (A.3), may be negative with duplicates. */
  get cumulativeLost(): number {
    return this.expected() - this.received;
  }

  private expected(): number {
    return this.cycles + this.maxSeq - this.baseSeq + 1;
  }

  /** A report block for an RR or SR sent at `nowMs`; advances the interval for fraction lost. */
  reportBlock(nowMs: number): ReportBlock {
    const expected = this.expected();
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    const lost = Math.max(-0x800000, Math.min(0x7fffff, expected - this.received));
    return {
      ssrc: this.ssrc,
      fractionLost: Math.min(255, fractionLost),
      cumulativeLost: this.started ? lost : 0,
      extendedHighestSequence: this.started ? this.extendedHighestSequence : 0,
      jitter: this.jitter,
      lastSenderReport: this.lastSr?.compact ?? 0,
      delaySinceLastSenderReport: this.lastSr ? Math.round(((nowMs - this.lastSr.arrivalMs) * 65536) / 1000) >>> 0 : 0,
    };
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  /** RFC 3550 A.1 update_seq: whether the packet counts. */
  private updateSeq(seq: number): boolean {
    const udelta = (seq - this.maxSeq + RTP_SEQ_MOD) % RTP_SEQ_MOD;
    if (this.probation) {
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.received++;
          return true;
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      return false;
    }
    if (udelta < MAX_DROPOUT) {
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      if (seq === this.badSeq) {
        // Two sequential packets: the source restarted.
        this.initSeq(seq);
      } else {
        this.badSeq = (seq + 1) & (RTP_SEQ_MOD - 1);
        return false;
      }
    }
    // else: duplicate or reordered packet, counted.
    this.received++;
    return true;
  }
}

/**
 * Round-trip time from a report block about our stream (RFC 3550 §6.4.1): arrival time minus LSR
 * minus DLSR, in ms. Undefined when the block has no LSR.
 */
export function roundTripTimeMs(block: ReportBlock, arrivalUnixMs: number): number | undefined {
  if (block.lastSenderReport === 0) return undefined;
  const a = compactNtp(ntpTimeFromUnixMs(arrivalUnixMs));
  const rtt = (a - block.lastSenderReport - block.delaySinceLastSenderReport) >>> 0;
  return (rtt * 1000) / 65536;
}
