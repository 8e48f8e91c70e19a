import type { GapAckBlock } from './chunk.js';
import { tsnAdd, tsnDiff, tsnGt, tsnLte } from './serial-number.js';

/** Most duplicate TSNs reported in one SACK. */
const MAX_DUPLICATES = 32;
/** Most gap blocks reported in one SACK (keeps the SACK well inside one 1200-byte packet). */
const MAX_GAP_BLOCKS = 64;

/**
 * Which TSNs have arrived (RFC 9260 §6.2): the cumulative TSN, the ranges above it as sorted
 * `[start, end]` pairs, and duplicates since the last SACK. Inserting costs a binary search; the
 * common in-order case is O(1).
 */
export class DataTracker {
  /** Highest TSN such that it and every TSN before it has arrived. */
  cumulativeTsn: number;
  /** Flat ascending list of received ranges above the cumulative TSN: start0, end0, start1, … */
  private readonly ranges: number[] = [];
  private duplicates: number[] = [];

  constructor(peerInitialTsn: number) {
    this.cumulativeTsn = tsnAdd(peerInitialTsn, -1);
  }

  /** Highest TSN received so far. */
  get highestReceived(): number {
    const n = this.ranges.length;
    return n === 0 ? this.cumulativeTsn : this.ranges[n - 1]!;
  }

  /** Whether a gap exists (some TSN above the cumulative one arrived). */
  get hasGaps(): boolean {
    return this.ranges.length !== 0;
  }

  /** Whether `tsn` has already arrived. */
  has(tsn: number): boolean {
    if (tsnLte(tsn, this.cumulativeTsn)) return true;
    const i = this.findRange(tsn);
    return i >= 0 && tsnLte(this.ranges[i]!, tsn) && tsnLte(tsn, this.ranges[i + 1]!);
  }

  /** Notes a duplicate, to be reported in the next SACK. */
  noteDuplicate(tsn: number): void {
    if (this.duplicates.length < MAX_DUPLICATES) this.duplicates.push(tsn);
  }

  /** Records a TSN not seen before (call {@link has} first). */
  record(tsn: number): void {
    const r = this.ranges;
    if (tsn === tsnAdd(this.cumulativeTsn, 1)) {
      this.cumulativeTsn = tsn;
      if (r.length !== 0 && r[0] === tsnAdd(tsn, 1)) {
        this.cumulativeTsn = r[1]!;
        r.splice(0, 2);
      }
      return;
    }
    const n = r.length;
    if (n === 0 || tsnGt(tsn, tsnAdd(r[n - 1]!, 1))) {
      r.push(tsn, tsn);
      return;
    }
    if (tsn === tsnAdd(r[n - 1]!, 1)) {
      r[n - 1] = tsn;
      return;
    }
    // Somewhere inside: find the last range starting at or before tsn.
    const i = this.findRange(tsn);
    if (i >= 0 && tsn === tsnAdd(r[i + 1]!, 1)) {
      r[i + 1] = tsn;
      if (i + 2 < r.length && r[i + 2] === tsnAdd(tsn, 1)) {
        r[i + 1] = r[i + 3]!;
        r.splice(i + 2, 2);
      }
    } else if (i + 2 < r.length && r[i + 2] === tsnAdd(tsn, 1)) {
      r[i + 2] = tsn;
    } else {
      r.splice(i + 2, 0, tsn, tsn);
    }
  }

  /** Moves the cumulative TSN to `newCumulativeTsn` (FORWARD TSN, RFC 3758 §3.6). */
  forwardTo(newCumulativeTsn: number): void {
    if (!tsnGt(newCumulativeTsn, this.cumulativeTsn)) return;
    this.cumulativeTsn = newCumulativeTsn;
    const r = this.ranges;
    while (r.length !== 0 && tsnLte(r[0]!, tsnAdd(this.cumulativeTsn, 1))) {
      if (tsnGt(r[1]!, this.cumulativeTsn)) this.cumulativeTsn = r[1]!;
      r.splice(0, 2);
    }
  }

  /** Gap Ack Blocks for a SACK, offsets from the cumulative TSN. */
  gapAckBlocks(): GapAckBlock[] {
    const r = this.ranges;
    const n = Math.min(r.length / 2, MAX_GAP_BLOCKS);
    const out: GapAckBlock[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const start = tsnDiff(r[2 * i]!, this.cumulativeTsn);
      const end = tsnDiff(r[2 * i + 1]!, this.cumulativeTsn);
      if (end > 0xffff) return out.slice(0, i);
      out[i] = { start, end };
    }
    return out;
  }

  /** Duplicates since the last call, then forgets them. */
  takeDuplicates(): number[] {
    if (this.duplicates.length === 0) return EMPTY;
    const d = this.duplicates;
    this.duplicates = [];
    return d;
  }

  /** Index (even) of the last range whose start is ≤ tsn, or -2 if none. */
  private findRange(tsn: number): number {
    const r = this.ranges;
    let lo = 0;
    let hi = r.length / 2 - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (tsnLte(r[2 * mid]!, tsn)) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found * 2;
  }
}

const EMPTY: number[] = [];
