/** Signed distance from `b` to `a` on the 16-bit sequence number circle (positive when `a` is newer). */
export function sequenceNumberDiff(a: number, b: number): number {
  return (((a - b) & 0xffff) << 16) >> 16;
}

/**
 * Turns 16-bit sequence numbers into monotonic extended ones (cycles × 65536 + seq), taking the
 * nearest candidate to the highest seen so far, so reordering across the wrap works.
 */
export class SequenceNumberUnwrapper {
  private last: number | undefined;
  /** The extended sequence number of `seq`. */
  unwrap(seq: number): number {
    if (this.last === undefined) {
      this.last = seq;
      return seq;
    }
    const ext = this.last + sequenceNumberDiff(seq, this.last & 0xffff);
    if (ext > this.last) this.last = ext;
    return ext;
  }
}
