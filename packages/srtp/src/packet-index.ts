/**
 * The rollover-counter guess of RFC 3711 §3.3.1 and Appendix A: which ROC a received (or sent)
 * sequence number belongs to, given the highest sequence number s_l and ROC seen so far.
 *
 * Returns v, the ROC to use: ROC − 1, ROC or ROC + 1. As libsrtp does, v never goes below 0:
 * while ROC is 0 a sequence number far above s_l is taken as ROC 0, not as a negative ROC.
 */
export function estimateRolloverCounter(roc: number, highestSequence: number, seq: number): number {
  if (highestSequence < 32768) {
    if (seq - highestSequence > 32768) return roc === 0 ? 0 : roc - 1;
    return roc;
  }
  if (highestSequence - 32768 > seq) return roc + 1;
  return roc;
}

/** The 48-bit SRTP packet index i = 2^16 · ROC + SEQ (exact in a double). */
export function packetIndex(roc: number, seq: number): number {
  return roc * 65536 + seq;
}
