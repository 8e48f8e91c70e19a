import { SequenceNumberUnwrapper } from './sequence-number.js';
import type { TransportWideCcFeedback, TwccPacketStatus } from './rtcp-transport-wide-cc.js';

/** Options of {@link TransportWideCcRecorder}. */
export interface TransportWideCcRecorderOptions {
  /** SSRC the feedback is sent from. */
  senderSsrc: number;
  /** SSRC of a media stream the feedback is about (informational; the report is transport-wide). */
  mediaSsrc: number;
  /**
   * Most packet statuses in one feedback packet, not counting a leading run of losses (one
   * run-length chunk). Default 1000.
   */
  maxPacketsPerFeedback?: number;
}

const TICK_US = 250;
const REFERENCE_US = 64_000;

/**
 * Receiver side of transport-wide congestion control
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01): records the arrival time of each
 * transport-wide sequence number and builds feedback packets on demand (libwebrtc sends one every
 * 50–250 ms). Sans-IO: arrival times are passed in, in ms (fractions allowed).
 */
export class TransportWideCcRecorder {
  private readonly unwrapper = new SequenceNumberUnwrapper();
  private readonly arrivals = new Map<number, number>(); // extended seq → arrival µs
  private nextToReport: number | undefined;
  private highest = -1;
  private feedbackCount = 0;
  private readonly maxPackets: number;

  constructor(private readonly options: TransportWideCcRecorderOptions) {
    this.maxPackets = options.maxPacketsPerFeedback ?? 1000;
  }

  /** Record the arrival of a packet carrying transport-wide sequence number `seq`. */
  onPacket(seq: number, arrivalMs: number): void {
    const ext = this.unwrapper.unwrap(seq);
    if (this.nextToReport !== undefined && ext < this.nextToReport) return; // already reported as lost
    if (this.nextToReport === undefined) this.nextToReport = ext;
    if (!this.arrivals.has(ext)) this.arrivals.set(ext, Math.round(arrivalMs * 1000));
    if (ext > this.highest) this.highest = ext;
  }

  /** Whether packets wait to be reported. */
  get hasPending(): boolean {
    return this.nextToReport !== undefined && this.nextToReport <= this.highest;
  }

  /** Feedback packets for everything received since the last call (usually one; several if long). */
  buildFeedback(): TransportWideCcFeedback[] {
    const out: TransportWideCcFeedback[] = [];
    while (this.nextToReport !== undefined && this.nextToReport <= this.highest) {
      // The report starts at the first unreported number (lost or not), with its reference time
      // from the first received packet. A leading run of losses longer than a whole feedback is
      // not reported: it keeps hostile sequence number jumps from costing a loop over the gap.
      let firstReceived = Infinity;
      for (const k of this.arrivals.keys()) if (k < firstReceived) firstReceived = k;
      if (firstReceived === Infinity) break;
      const base = firstReceived - this.nextToReport > this.maxPackets ? firstReceived : this.nextToReport;
      const firstArrival = this.arrivals.get(firstReceived)!;
      const referenceTime = Math.floor(firstArrival / REFERENCE_US);
      let lastTicks = (referenceTime * REFERENCE_US) / TICK_US;
      const packets: TwccPacketStatus[] = [];
      let seq = base;
      // The limit never cuts before the first received packet, so each feedback makes progress.
      for (; seq <= this.highest && (packets.length < this.maxPackets || seq <= firstReceived); seq++) {
        const arrival = this.arrivals.get(seq);
        if (arrival === undefined) { packets.push({ sequenceNumber: seq & 0xffff, receiveDelta: null }); continue; }
        const ticks = Math.round(arrival / TICK_US);
        const delta = ticks - lastTicks;
        if (delta < -32768 || delta > 32767) break; // does not fit; the next feedback starts here
        packets.push({ sequenceNumber: seq & 0xffff, receiveDelta: delta });
        lastTicks = ticks;
      }
      while (packets.length > 0 && packets[packets.length - 1]!.receiveDelta === null) { packets.pop(); seq--; }
      for (const k of this.arrivals.keys()) if (k < seq) this.arrivals.delete(k);
      this.nextToReport = seq;
      out.push({
        type: 'twcc',
        senderSsrc: this.options.senderSsrc,
        mediaSsrc: this.options.mediaSsrc,
        baseSequenceNumber: base & 0xffff,
        referenceTime: ((referenceTime % 0x1000000) << 8) >> 8,
        feedbackPacketCount: this.feedbackCount++ & 0xff,
        packets,
      });
    }
    return out;
  }
}
