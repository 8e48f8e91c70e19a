import type { Candidate, LocalCandidate } from './candidate.js';

/** Pair states (RFC 8445 §6.1.2.6). */
export type CandidatePairState = 'frozen' | 'waiting' | 'in-progress' | 'succeeded' | 'failed';

/**
 * Pair priority (RFC 8445 §6.1.2.3): `2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0)`, where G is the
 * controlling agent's candidate priority. A bigint, since it needs 64 bits.
 */
export function pairPriority(controllingPriority: number, controlledPriority: number): bigint {
  const g = BigInt(controllingPriority);
  const d = BigInt(controlledPriority);
  const min = g < d ? g : d;
  const max = g < d ? d : g;
  return (min << 32n) + 2n * max + (g > d ? 1n : 0n);
}

/** A local and a remote candidate, with the state of their connectivity checks. */
export class CandidatePair {
  /** Check state. */
  state: CandidatePairState = 'frozen';
  /** Pair priority, recomputed when the role changes. */
  priority = 0n;
  /** Set once a check with USE-CANDIDATE succeeded on it (or, controlled, after one arrived). */
  nominated = false;
  /** In the valid list. */
  valid = false;
  /** Controlled: a USE-CANDIDATE arrived before the pair's own check succeeded. */
  nominateOnSuccess = false;
  /** The valid pair a successful check on this pair produced (§7.2.5.3.2). */
  validPair: CandidatePair | undefined;
  /** Last time (ms) consent was refreshed on this pair (RFC 7675). */
  lastConsentAt = 0;
  /** When the next consent check is due. */
  nextConsentAt = 0;
  /** When a check or request on this pair was last answered or arrived (stats). */
  lastActivityAt = 0;
  /** Checks and consent requests sent on this pair (stats: requestsSent). */
  requestsSent = 0;
  /** Requests received on this pair (stats: requestsReceived). */
  requestsReceived = 0;
  /** Success responses received (stats: responsesReceived). */
  responsesReceived = 0;
  /**
   * Round-trip time (ms) of the last request answered without retransmission (Karn's rule), as
   * `currentRoundTripTime` in stats; undefined until measured.
   */
  roundTripTime: number | undefined;
  /** Sum (ms) of the round-trip times measured on this pair, as `totalRoundTripTime` in stats. */
  totalRoundTripTime = 0;

  constructor(
    /** Local candidate (its socket sends the checks). */
    readonly local: LocalCandidate,
    /** Remote candidate. */
    readonly remote: Candidate,
    controlling: boolean,
  ) {
    this.updatePriority(controlling);
  }

  /** Pair foundation: the two candidate foundations joined (§6.1.2.6). */
  get foundation(): string {
    return `${this.local.foundation}:${this.remote.foundation}`;
  }

  /** Recomputes the priority for a role. */
  updatePriority(controlling: boolean): void {
    this.priority = controlling
      ? pairPriority(this.local.priority, this.remote.priority)
      : pairPriority(this.remote.priority, this.local.priority);
  }

  /** Short text for logs. */
  toString(): string {
    return `${this.local.type} ${this.local.address}:${this.local.port} -> ${this.remote.type} ${this.remote.address}:${this.remote.port} (${this.state})`;
  }
}
