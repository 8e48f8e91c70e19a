/**
 * Gilbert–Elliott burst loss: a two-state Markov chain (Good, Bad) stepped once per packet, with
 * its own loss probability in each state. Real links lose packets in bursts (a fade, a full queue
 * upstream), which hurts a transport more than the same rate of independent losses.
 */
import type { Prng } from './prng.js';

/** Parameters of the Gilbert–Elliott chain, in the usual names (as netem's `loss gemodel p r 1-h 1-k`). */
export interface GilbertElliottParams {
  /** Probability of moving Good → Bad at a packet. */
  readonly p: number;
  /** Probability of moving Bad → Good at a packet; mean burst length is `1 / r` packets. */
  readonly r: number;
  /** Loss probability in the Good state (1 − k; default 0). */
  readonly lossInGood?: number;
  /** Loss probability in the Bad state (1 − h; default 1: every packet in a burst is lost). */
  readonly lossInBad?: number;
}

/**
 * Long-run loss rate of the chain: π_Bad = p / (p + r), loss = π_Good·lossInGood + π_Bad·lossInBad.
 * Useful to pick `p` and `r` for a target loss rate and burst length.
 */
export function gilbertElliottLossRate(params: GilbertElliottParams): number {
  const lossGood = params.lossInGood ?? 0;
  const lossBad = params.lossInBad ?? 1;
  if (params.p + params.r === 0) return lossGood; // never leaves Good
  const bad = params.p / (params.p + params.r);
  return (1 - bad) * lossGood + bad * lossBad;
}

/** The chain's state for one direction. Starts in Good. */
export class GilbertElliott {
  private bad = false;

  constructor(private readonly params: GilbertElliottParams) {}

  /** True while the chain is in the Bad state. */
  get inBadState(): boolean {
    return this.bad;
  }

  /** Steps the chain for one packet and says whether that packet is lost. */
  lose(prng: Prng): boolean {
    if (this.bad) {
      if (prng.next() < this.params.r) this.bad = false;
    } else if (prng.next() < this.params.p) {
      this.bad = true;
    }
    const loss = this.bad ? (this.params.lossInBad ?? 1) : (this.params.lossInGood ?? 0);
    return loss > 0 && prng.next() < loss;
  }
}
