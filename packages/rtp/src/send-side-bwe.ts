import { silentLogger, type Logger } from '@x/base';
import { DelayBasedBwe } from './delay-based-bwe.js';
import { rtpLogger } from './rtp-log.js';
import type { BandwidthUsage } from './delay-based-bwe.js';
import { TransportFeedbackAdapter } from './transport-feedback-adapter.js';
import type { TransportWideCcFeedback } from './rtcp-transport-wide-cc.js';

/** Options of {@link SendSideBandwidthEstimator}. */
export interface SendSideBandwidthEstimatorOptions {
  /** Bits per second to start from. Default 300 kbps. */
  startBitrate?: number;
  /** Default 30 kbps. */
  minBitrate?: number;
  /** Default 10 Mbps. */
  maxBitrate?: number;
  /**
   * Says each change of the delay-based detector's state (normal, overusing, underusing) and of
   * the loss regime (under 2 %: grow, over 10 %: cut, between: hold) with the target it leads to,
   * prefixed `[rtp]`. Without one, `NODE_DEBUG=x-rtp` writes them to stderr.
   */
  logger?: Logger;
}

const ACK_WINDOW_MS = 500;

/**
 * Sender-side bandwidth estimate from transport-wide CC feedback, in the GCC family
 * (draft-ietf-rmcat-gcc-02): the smaller of a delay-based estimate ({@link DelayBasedBwe}) and a
 * loss-based one (above 10 % loss cut by half the loss ratio, below 2 % grow 8 % a second). A
 * track source reads {@link SendSideBandwidthEstimator.targetBitrate}. Sans-IO: times are passed in.
 */
export class SendSideBandwidthEstimator {
  private readonly adapter = new TransportFeedbackAdapter();
  private readonly delay: DelayBasedBwe;
  private lossRate: number;
  private readonly minBitrate: number;
  private readonly maxBitrate: number;
  private readonly acked: { arrivalMs: number; bytes: number }[] = [];
  private lossWindow = { lost: 0, total: 0 };
  private lastLossIncreaseMs = -Infinity;
  private lastLossDecreaseMs = -Infinity;
  /** Loss fraction of the last complete loss window (0–1). */
  lossFraction = 0;
  private readonly log: Logger;
  private lossRegime: 'grow' | 'hold' | 'cut' = 'grow';

  constructor(options: SendSideBandwidthEstimatorOptions = {}) {
    const start = options.startBitrate ?? 300_000;
    this.minBitrate = options.minBitrate ?? 30_000;
    this.maxBitrate = options.maxBitrate ?? 10_000_000;
    this.delay = new DelayBasedBwe(start, this.minBitrate, this.maxBitrate);
    this.lossRate = start;
    this.log = rtpLogger(options.logger);
  }

  /** Record a sent packet that carries transport-wide sequence number `seq`. */
  onPacketSent(seq: number, size: number, nowMs: number): void {
    this.adapter.onPacketSent(seq, size, nowMs);
  }

  /** Feed one transport-wide CC feedback received at `nowMs`. */
  onTransportFeedback(fb: TransportWideCcFeedback, nowMs: number): void {
    const results = this.adapter.onFeedback(fb);
    for (const r of results) {
      this.lossWindow.total++;
      if (r.arrivalTimeMs === undefined) this.lossWindow.lost++;
      else this.acked.push({ arrivalMs: r.arrivalTimeMs, bytes: r.size });
    }
    const ackedBitrate = this.ackedBitrate();
    const usage = this.delay.state;
    this.delay.update(results, ackedBitrate, nowMs);
    if (this.log !== silentLogger && this.delay.state !== usage) {
      this.log.debug(`bandwidth estimate: delay ${usage} -> ${this.delay.state}, target ${kbps(this.targetBitrate)}${ackedBitrate === undefined ? '' : ` (acknowledged ${kbps(ackedBitrate)})`}`);
    }
    if (this.lossWindow.total >= 20) {
      this.lossFraction = this.lossWindow.lost / this.lossWindow.total;
      this.lossWindow = { lost: 0, total: 0 };
      if (this.lossFraction < 0.02) {
        if (nowMs - this.lastLossIncreaseMs >= 1000) {
          this.lossRate = this.lossRate * 1.08 + 1000;
          this.lastLossIncreaseMs = nowMs;
        }
      } else if (this.lossFraction > 0.1) {
        if (nowMs - this.lastLossDecreaseMs >= 300) {
          this.lossRate = this.lossRate * (1 - 0.5 * this.lossFraction);
          this.lastLossDecreaseMs = nowMs;
        }
      }
      // Never let the loss-based bound sit far above what the delay side allows: it would make
      // recovery after a loss episode instant instead of gradual.
      this.lossRate = Math.min(this.maxBitrate, Math.max(this.minBitrate, this.lossRate));
      const regime = this.lossFraction < 0.02 ? 'grow' : this.lossFraction > 0.1 ? 'cut' : 'hold';
      if (this.log !== silentLogger && regime !== this.lossRegime) {
        this.log.debug(`bandwidth estimate: loss ${(this.lossFraction * 100).toFixed(1)} %: ${regime === 'cut' ? 'cutting' : regime === 'hold' ? 'holding' : 'growing'}, target ${kbps(this.targetBitrate)}`);
      }
      this.lossRegime = regime;
    }
  }

  /** Bits per second the receiver acknowledged over the last 500 ms of arrivals, once known. */
  ackedBitrate(): number | undefined {
    if (this.acked.length < 2) return undefined;
    const newest = this.acked[this.acked.length - 1]!.arrivalMs;
    while (this.acked.length > 0 && newest - this.acked[0]!.arrivalMs > ACK_WINDOW_MS) this.acked.shift();
    const span = newest - this.acked[0]!.arrivalMs;
    if (span < ACK_WINDOW_MS / 2) return undefined;
    let bytes = 0;
    for (const a of this.acked) bytes += a.bytes;
    return (bytes * 8 * 1000) / Math.max(span, 1);
  }

  /** The target bitrate for the encoder(s), bits per second. */
  get targetBitrate(): number {
    return Math.min(this.delay.bitrate, this.lossRate);
  }

  /** The delay-based estimate alone. */
  get delayBasedBitrate(): number {
    return this.delay.bitrate;
  }

  /** The loss-based estimate alone. */
  get lossBasedBitrate(): number {
    return this.lossRate;
  }

  /** The overuse detector's state. */
  get bandwidthUsage(): BandwidthUsage {
    return this.delay.state;
  }
}

function kbps(bps: number): string {
  return `${Math.round(bps / 1000)} kbps`;
}
