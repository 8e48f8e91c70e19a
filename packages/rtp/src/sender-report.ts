import { ntpTimeFromUnixMs } from './ntp-time.js';
import type { ReportBlock, SenderReport } from './rtcp-reports.js';

/**
 * Sender-side state for RTCP SR (RFC 3550 §6.4.1): packet and octet counts, and the mapping from
 * wall clock to RTP time, extrapolated from the last packet sent with the stream's clock rate.
 */
export class SenderReportGenerator {
  private packets = 0;
  private octets = 0;
  private last: { rtpTimestamp: number; unixMs: number } | undefined;

  constructor(readonly ssrc: number, readonly clockRate: number) {}

  /** Record a sent RTP packet: its timestamp, payload length, and the wall-clock capture/send time. */
  onPacketSent(rtpTimestamp: number, payloadLength: number, unixMs: number): void {
    this.packets = (this.packets + 1) >>> 0;
    this.octets = (this.octets + payloadLength) >>> 0;
    this.last = { rtpTimestamp, unixMs };
  }

  /** Whether anything was sent yet (an SR needs a mapping; send RR before). */
  get hasSent(): boolean {
    return this.last !== undefined;
  }

  /** The RTP timestamp that corresponds to wall-clock `unixMs`. */
  rtpTimestampAt(unixMs: number): number {
    if (!this.last) return 0;
    return (this.last.rtpTimestamp + Math.round(((unixMs - this.last.unixMs) * this.clockRate) / 1000)) >>> 0;
  }

  /** An SR for time `unixMs`, carrying the given report blocks. */
  senderReport(unixMs: number, reports: ReportBlock[] = []): SenderReport {
    return {
      type: 'sr',
      ssrc: this.ssrc,
      ntpTime: ntpTimeFromUnixMs(unixMs),
      rtpTimestamp: this.rtpTimestampAt(unixMs),
      packetCount: this.packets,
      octetCount: this.octets,
      reports,
    };
  }
}
