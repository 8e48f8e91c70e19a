import { ChunkType } from './chunk-type.js';
import type { DataChunk, ForwardTsnStream, SackChunk } from './chunk.js';
import { DataTracker } from './data-tracker.js';
import { ReassemblyQueue, type DeliverMessage } from './reassembly-queue.js';
import { tsnDiff, tsnGt } from './serial-number.js';

/** What became of one received DATA chunk. */
export type DataOutcome = 'accepted' | 'duplicate' | 'dropped';

/**
 * The receiving half of RFC 9260 §6.2: which TSNs arrived, reassembly and delivery, the receive
 * window (a_rwnd), and when to send a SACK (every second DATA packet, at once on gaps, duplicates
 * or the I bit, otherwise after the delayed-SACK timer).
 */
export class DataReceiver {
  readonly tracker: DataTracker;
  readonly reassembly: ReassemblyQueue;
  /** A SACK is owed. */
  sackPending = false;
  /** The owed SACK must go now, not after the delay. */
  sackNow = false;
  /** Delayed-SACK deadline, ms. */
  delayedAckDeadline: number | undefined;
  private packetsSinceSack = 0;
  private readonly bufferSize: number;
  private readonly delay: number;

  constructor(peerInitialTsn: number, bufferSize: number, delayedAckTime: number, deliver: DeliverMessage) {
    this.tracker = new DataTracker(peerInitialTsn);
    this.reassembly = new ReassemblyQueue(deliver);
    this.bufferSize = bufferSize;
    this.delay = delayedAckTime;
  }

  /** The receive window to advertise. */
  get rwnd(): number {
    return Math.max(0, this.bufferSize - this.reassembly.bytes);
  }

  /** Takes one DATA chunk (with user data). */
  handleData(c: DataChunk): DataOutcome {
    const tracker = this.tracker;
    if (tracker.has(c.tsn)) {
      tracker.noteDuplicate(c.tsn);
      this.sackNow = true;
      return 'duplicate';
    }
    const above = tsnGt(c.tsn, tracker.highestReceived);
    // §6.2: with the buffer full, drop new DATA beyond the highest TSN; holes are always filled.
    if (above && (this.reassembly.bytes + c.userData.length > this.bufferSize || tsnDiff(c.tsn, tracker.cumulativeTsn) > 0xffff)) {
      this.sackNow = true;
      return 'dropped';
    }
    if (!above) this.sackNow = true; // fills a gap: report at once (§6.7)
    tracker.record(c.tsn);
    this.reassembly.add(c, !above);
    return 'accepted';
  }

  /** Records a TSN whose data is discarded (invalid stream, §6.5): acknowledged, never delivered. */
  acknowledgeOnly(tsn: number): void {
    if (this.tracker.has(tsn)) {
      this.tracker.noteDuplicate(tsn);
    } else if (tsnDiff(tsn, this.tracker.cumulativeTsn) <= 0xffff) {
      this.tracker.record(tsn);
    }
    this.sackNow = true;
  }

  /** After a packet that carried DATA. `immediate`: a chunk had the I bit, or we are closing. */
  afterPacket(immediate: boolean, now: number): void {
    this.sackPending = true;
    this.packetsSinceSack++;
    if (immediate || this.tracker.hasGaps || this.packetsSinceSack >= 2) this.sackNow = true;
    else if (this.delayedAckDeadline === undefined) this.delayedAckDeadline = now + this.delay;
  }

  /** The delayed-SACK timer ran out. */
  onDelayedAckTimer(): void {
    this.delayedAckDeadline = undefined;
    if (this.sackPending) this.sackNow = true;
  }

  /** FORWARD TSN (RFC 3758 §3.6). */
  forward(newCumulativeTsn: number, streams: readonly ForwardTsnStream[]): void {
    this.tracker.forwardTo(newCumulativeTsn);
    this.reassembly.forward(newCumulativeTsn, streams);
    this.sackPending = this.sackNow = true;
  }

  /** Whether a SACK should go in the next packet (`carrier`: that packet is being sent anyway). */
  wantsSack(carrier: boolean): boolean {
    return this.sackPending && (this.sackNow || carrier);
  }

  /** Makes the SACK and clears what it answers. */
  takeSack(): SackChunk {
    const t = this.tracker;
    this.sackPending = this.sackNow = false;
    this.packetsSinceSack = 0;
    this.delayedAckDeadline = undefined;
    return {
      type: ChunkType.SACK,
      cumulativeTsnAck: t.cumulativeTsn,
      advertisedReceiverWindowCredit: this.rwnd,
      gapAckBlocks: t.gapAckBlocks(),
      duplicateTsns: t.takeDuplicates(),
    };
  }
}
