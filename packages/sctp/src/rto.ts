/** RTO bounds and initial value, ms. */
export interface RtoOptions {
  /** RTO.Initial; RFC 9260 says 1000 ms. */
  initial: number;
  /** RTO.Min; RFC 9260 says 1000 ms, WebRTC stacks go lower (see README). */
  min: number;
  /** RTO.Max; RFC 9260 says 60000 ms. */
  max: number;
}

/**
 * Default RTO bounds. RTO.Min is 200 ms rather than RFC 9260's 1 s: WebRTC runs SCTP between two
 * endpoints over one path whose RTT is usually tens of ms, and a 1 s floor turns every tail loss into
 * a one-second stall. dcsctp (Chromium) uses a few hundred ms for the same reason.
 */
export const DEFAULT_RTO: RtoOptions = { initial: 1000, min: 200, max: 60_000 };

/** Retransmission timeout per RFC 9260 §6.3.1 (SRTT, RTTVAR, alpha 1/8, beta 1/4, K = 4). */
export class RtoCalculator {
  /** Smoothed round-trip time, ms, or undefined before the first measurement. */
  srtt: number | undefined;
  /** Round-trip time variation, ms. */
  rttvar = 0;
  /** The current RTO, ms. */
  rto: number;
  private readonly opts: RtoOptions;

  constructor(opts: RtoOptions = DEFAULT_RTO) {
    this.opts = opts;
    this.rto = opts.initial;
  }

  /** Feeds one RTT measurement (C2/C3 of §6.3.1). */
  measure(rtt: number): void {
    if (rtt < 0) return;
    if (this.srtt === undefined) {
      this.srtt = rtt;
      this.rttvar = rtt / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rtt);
      this.srtt = 0.875 * this.srtt + 0.125 * rtt;
    }
    // G is taken as 1 ms: our clock has millisecond granularity.
    this.rto = this.clamp(this.srtt + Math.max(1, 4 * this.rttvar));
  }

  /** Doubles the RTO after a T3-rtx or T1 expiry (E2 of §6.3.3). */
  backOff(): void {
    this.rto = this.clamp(this.rto * 2);
  }

  private clamp(v: number): number {
    return Math.min(this.opts.max, Math.max(this.opts.min, v));
  }
}
