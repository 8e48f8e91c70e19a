// The RTCIceTransportState of an agent (W3C webrtc-pc §5.6.4) from its checks and consent.
import type { CandidatePair } from './candidate-pair.js';
import type { IceConnectionState } from './ice-agent-types.js';

/** What the state is computed from. */
export interface ConnectionFacts {
  readonly now: number;
  readonly selected: CandidatePair | undefined;
  /** Consent was lost on the selected pair (RFC 7675): final until a restart. */
  readonly consentLost: boolean;
  /** An ICE restart is under way; the old pair's consent is not judged meanwhile, unless it was already disconnected. */
  readonly restarting: boolean;
  readonly disconnectedTimeout: number;
  readonly failedTimeout: number;
  readonly gatheringComplete: boolean;
  readonly remoteEndOfCandidates: boolean;
  readonly remoteKnown: boolean;
  readonly remoteCandidates: number;
  readonly pairs: readonly CandidatePair[];
  /** Since when every pair has failed (no pair selected), if they all have. */
  readonly allFailedSince: number | undefined;
  readonly previous: IceConnectionState;
}

/**
 * The connection state, and whether consent is (now) lost: `disconnected` after
 * `disconnectedTimeout` without a consent answer, `failed` at `failedTimeout`; `completed` once
 * the pair in use is nominated and both sides finished gathering and checking; `failed` without a pair when every pair failed after
 * end-of-candidates (or `failedTimeout` after the last one failed, when the peer never says it is
 * done), `disconnected` meanwhile.
 */
export function connectionStateOf(f: ConnectionFacts): { state: IceConnectionState; consentLost: boolean } {
  const sel = f.selected;
  if (sel) {
    let consentLost = f.consentLost;
    // A restart suspends judging the old pair (its consent checks stop with the old credentials),
    // but one already silent stays judged: the restart alone answers nothing, so the state stays
    // disconnected until a new pair is selected, and fails at the old pair's consent expiry.
    if ((!f.restarting || f.previous === 'disconnected') && !consentLost) {
      const silent = f.now - sel.lastConsentAt;
      if (silent >= f.failedTimeout) consentLost = true;
      else if (silent >= f.disconnectedTimeout) return { state: 'disconnected', consentLost };
    }
    if (consentLost) return { state: 'failed', consentLost };
    const done =
      sel.nominated &&
      f.gatheringComplete &&
      f.remoteEndOfCandidates &&
      !f.restarting &&
      !f.pairs.some((p) => p.state === 'waiting' || p.state === 'frozen' || p.state === 'in-progress');
    return { state: done ? 'completed' : 'connected', consentLost };
  }
  if (f.remoteCandidates === 0 || !f.remoteKnown) return { state: f.previous === 'new' ? 'new' : 'checking', consentLost: false };
  if (f.allFailedSince !== undefined) {
    // Without the peer's end-of-candidates, more may still come: wait `failedTimeout` for them.
    if (f.gatheringComplete && (f.remoteEndOfCandidates || f.now - f.allFailedSince >= f.failedTimeout)) return { state: 'failed', consentLost: false };
    // Every pair so far checked without a connection, while more candidates may come: W3C's
    // `disconnected` (RTCIceTransportState), a state a new candidate can leave.
    return { state: 'disconnected', consentLost: false };
  }
  return { state: 'checking', consentLost: false };
}
