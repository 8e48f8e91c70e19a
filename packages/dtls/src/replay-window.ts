/** Size of the sliding anti-replay window, in records (RFC 6347 §4.1.2.6 suggests at least 32; 64 is usual). */
export const REPLAY_WINDOW_SIZE = 64;

/**
 * Anti-replay window for one epoch (RFC 6347 §4.1.2.6). `check` says whether a sequence number
 * may be accepted; `accept` records it, and is called only after the record authenticated, so a
 * forged record cannot move the window.
 */
export class ReplayWindow {
  private readonly seen = new Uint8Array(REPLAY_WINDOW_SIZE);
  private top = -1;

  /** True when `seq` is new and not left behind the window. */
  check(seq: number): boolean {
    if (seq > this.top) return true;
    if (seq <= this.top - REPLAY_WINDOW_SIZE) return false;
    return this.seen[seq % REPLAY_WINDOW_SIZE] === 0;
  }

  /** Marks `seq` as received, sliding the window forward if it is the newest. */
  accept(seq: number): void {
    if (seq > this.top) {
      const gap = seq - this.top;
      if (gap >= REPLAY_WINDOW_SIZE) this.seen.fill(0);
      else for (let s = this.top + 1; s < seq; s++) this.seen[s % REPLAY_WINDOW_SIZE] = 0;
      this.top = seq;
    }
    this.seen[seq % REPLAY_WINDOW_SIZE] = 1;
  }

  /** The highest sequence number accepted so far, or -1. */
  get highest(): number {
    return this.top;
  }
}
