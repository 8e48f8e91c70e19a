/**
 * HyStart++ (RFC 9406) for the association's first slow start: leaves slow start when the round
 * trip time rises by a clamped eighth of the previous round's minimum — the bottleneck queue is
 * filling — instead of when the queue overflows. It then grows cwnd at a quarter of the slow-start
 * rate (Conservative Slow Start) for up to five rounds, back to slow start if the RTT falls again
 * (the rise was noise), else ends slow start with ssthresh = cwnd. It only ever grows cwnd more
 * slowly than RFC 9260 §7.2.1 would, so it keeps RFC 9260's fairness; as RFC 9406 §4.3 advises,
 * it serves only the initial slow start (until the first loss sets ssthresh).
 */
import { tsnLte } from './serial-number.js';

/** RFC 9406 §4.3 constants. */
const MIN_RTT_THRESH = 4;
const MAX_RTT_THRESH = 16;
const MIN_RTT_DIVISOR = 8;
const N_RTT_SAMPLE = 8;
const CSS_ROUNDS = 5;
/** In Conservative Slow Start, cwnd grows by this fraction of what slow start would add. */
export const CSS_GROWTH_DIVISOR = 4;

/** What the next cwnd increase is. */
export type SlowStartPhase = 'slow-start' | 'conservative' | 'exit';

export class HyStart {
  /** The highest TSN sent when the current round began; the round ends once it is acknowledged. */
  private windowEnd: number | undefined;
  private lastRoundMinRtt = Infinity;
  private currentRoundMinRtt = Infinity;
  private samples = 0;
  private cssBaselineMinRtt = Infinity;
  private cssRounds = 0;
  private conservative = false;

  /** Whether the last verdict was Conservative Slow Start. */
  get inConservativeSlowStart(): boolean {
    return this.conservative;
  }

  /**
   * A SACK during the initial slow start: `rtt` is its RTT sample (ms) if it has one, `cumAck` the
   * cumulative TSN ack, `highestSent` the highest TSN sent so far. Says how cwnd may grow now.
   */
  onSack(rtt: number | undefined, cumAck: number, highestSent: number): SlowStartPhase {
    if (this.windowEnd === undefined || tsnLte(this.windowEnd, cumAck)) {
      // A new round (RFC 9406 §4.2): the previous round's minimum becomes the baseline.
      this.windowEnd = highestSent;
      this.lastRoundMinRtt = this.currentRoundMinRtt;
      this.currentRoundMinRtt = Infinity;
      this.samples = 0;
      if (this.conservative && ++this.cssRounds >= CSS_ROUNDS) return 'exit';
    }
    if (rtt !== undefined) {
      if (rtt < this.currentRoundMinRtt) this.currentRoundMinRtt = rtt;
      this.samples++;
    }
    if (this.samples >= N_RTT_SAMPLE) {
      if (!this.conservative) {
        if (this.lastRoundMinRtt !== Infinity) {
          const threshold = Math.min(MAX_RTT_THRESH, Math.max(MIN_RTT_THRESH, this.lastRoundMinRtt / MIN_RTT_DIVISOR));
          if (this.currentRoundMinRtt >= this.lastRoundMinRtt + threshold) {
            this.conservative = true;
            this.cssBaselineMinRtt = this.currentRoundMinRtt;
            this.cssRounds = 0;
          }
        }
      } else if (this.currentRoundMinRtt < this.cssBaselineMinRtt) {
        // The RTT fell below where it rose: the increase was not the queue (§4.2, spurious exit).
        this.conservative = false;
        this.cssBaselineMinRtt = Infinity;
      }
    }
    return this.conservative ? 'conservative' : 'slow-start';
  }
}
