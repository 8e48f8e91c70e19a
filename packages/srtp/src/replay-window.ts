import { SrtpError } from './srtp-error.js';

/** libsrtp's default window for SRTP and its fixed one for SRTCP: 128 packets. */
export const DEFAULT_REPLAY_WINDOW_SIZE = 128;

/**
 * A sliding replay window over packet indices (RFC 3711 §3.3.2): remembers which of the last
 * `size` indices below the highest one were received. A ring bitmap, so sliding costs
 * nothing per packet beyond clearing the bits that fall out.
 */
export class ReplayWindow {
  /** Window size in packets (a multiple of 32). */
  readonly size: number;
  private readonly bits: Uint32Array;
  private highest = -1;

  /** @param size at least 64 (RFC 3711 §3.3.2), rounded up to a multiple of 32; at most 32768. */
  constructor(size = DEFAULT_REPLAY_WINDOW_SIZE) {
    if (!Number.isInteger(size) || size < 64 || size > 32768) {
      throw new SrtpError('bad-parameter', `replay window size must be an integer in 64..32768, got ${size}`);
    }
    this.size = Math.ceil(size / 32) * 32;
    this.bits = new Uint32Array(this.size / 32);
  }

  /** The highest index accepted so far, or -1 before the first. */
  get highestIndex(): number {
    return this.highest;
  }

  /** Whether `index` may be accepted: `undefined` if so, else why not. Changes nothing. */
  check(index: number): 'replayed' | 'too-old' | undefined {
    if (index < 0) return 'too-old';
    if (index > this.highest) return undefined;
    if (this.highest - index >= this.size) return 'too-old';
    const bit = index % this.size;
    return this.bits[bit >>> 5]! & (1 << (bit & 31)) ? 'replayed' : undefined;
  }

  /** Records `index` as received, sliding the window forward if it is the new highest. */
  accept(index: number): void {
    if (index > this.highest) {
      if (this.highest < 0 || index - this.highest >= this.size) {
        this.bits.fill(0);
      } else {
        for (let i = this.highest + 1; i < index; i++) {
          const b = i % this.size;
          this.bits[b >>> 5] = this.bits[b >>> 5]! & ~(1 << (b & 31));
        }
      }
      this.highest = index;
    }
    const bit = index % this.size;
    this.bits[bit >>> 5] = this.bits[bit >>> 5]! | (1 << (bit & 31));
  }
}
