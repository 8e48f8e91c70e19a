/**
 * The sans-IO impairment core: given a packet's size and the current time, say when each copy of it
 * is delivered, or that it is dropped. No sockets, no timers, no clock: the caller passes `now` (ms)
 * and acts on the answer, so tests run the model over millions of packets without real time.
 *
 * Order of effects for one packet (per direction):
 *   1. loss (independent, or Gilbert–Elliott): the packet is gone, no copy survives;
 *   2. duplication: a second copy is made;
 *   3. each copy enters the rate limiter's drop-tail queue (or is dropped there when full) and
 *      leaves it once serialized at the link rate;
 *   4. each copy then takes the propagation delay, mean ± jitter, plus `reorderDelayMs` for a
 *      packet picked for reordering; with `keepOrder` no copy leaves before the one ahead of it.
 */
import { sampleDelay } from './delay-distribution.js';
import { GilbertElliott } from './gilbert-elliott.js';
import { defaultQueueBytes, validateModel } from './impairment-model.js';
import type { ImpairmentModel } from './impairment-model.js';
import { Prng } from './prng.js';

/** Why a packet (or one copy of it) did not get through. */
export type DropReason = 'loss' | 'queue';

/**
 * The answer of {@link ImpairmentScheduler.schedule}. One object is reused for every call (no
 * allocation per packet): read it before the next call.
 */
export interface ScheduleResult {
  /** How many copies will be delivered: 0 (dropped), 1, or 2 (duplicated). */
  readonly copies: number;
  /** Delivery times (ms, same clock as `now`) of copies `0 … copies − 1`. */
  readonly deliverAt: Float64Array;
  /** Why the packet was dropped when `copies` is 0, else `undefined`. */
  readonly dropReason: DropReason | undefined;
}

/** Running counts of one direction. */
export interface ImpairmentCounters {
  /** Packets offered to the scheduler. */
  packets: number;
  /** Bytes offered (without `packetOverheadBytes`). */
  bytes: number;
  /** Copies scheduled for delivery (a duplicated packet counts twice). */
  scheduled: number;
  /** Packets dropped by the loss model. */
  droppedLoss: number;
  /** Copies dropped by the full drop-tail queue. */
  droppedQueue: number;
  /** Extra copies scheduled by duplication. */
  duplicated: number;
  /** Copies held back for reordering. */
  reordered: number;
}

class MutableResult implements ScheduleResult {
  copies = 0;
  readonly deliverAt = new Float64Array(2);
  dropReason: DropReason | undefined = undefined;
}

/** Applies an {@link ImpairmentModel} to one direction of traffic. */
export class ImpairmentScheduler {
  /** Counts since construction. */
  readonly counters: ImpairmentCounters = {
    packets: 0, bytes: 0, scheduled: 0, droppedLoss: 0, droppedQueue: 0, duplicated: 0, reordered: 0,
  };
  private readonly prng: Prng;
  private readonly result = new MutableResult();
  private model!: ImpairmentModel;
  private burst: GilbertElliott | undefined;
  private queueLimit = Infinity;
  private reorderDelay = 1;
  /** When the link finishes serializing everything accepted so far (ms). */
  private linkFreeAt = -Infinity;
  /** Latest delivery time handed out to an in-order copy (for `keepOrder`). */
  private lastInOrder = -Infinity;

  /**
   * @param model what this direction does; checked with {@link validateModel}.
   * @param seed overrides `model.seed` (default 1).
   */
  constructor(model: ImpairmentModel, seed?: number) {
    this.prng = new Prng(seed ?? model.seed ?? 1);
    this.setModel(model);
  }

  /**
   * Changes the model from now on, keeping the PRNG, the queue backlog and the ordering state (so
   * a test can, say, cut the link for a while). Burst-loss state restarts in Good.
   */
  setModel(model: ImpairmentModel): void {
    validateModel(model);
    this.model = model;
    this.burst = model.burstLoss ? new GilbertElliott(model.burstLoss) : undefined;
    this.queueLimit = model.rateBitsPerSecond === undefined
      ? Infinity
      : (model.queueBytes ?? defaultQueueBytes(model.rateBitsPerSecond));
    this.reorderDelay = model.reorderDelayMs ?? Math.max(1, model.delayMs ?? 0);
  }

  /** The model in force. */
  get currentModel(): ImpairmentModel {
    return this.model;
  }

  /** Bytes waiting in the rate limiter's queue at `now` (0 without a rate limit). */
  backlogBytes(now: number): number {
    const rate = this.model.rateBitsPerSecond;
    if (rate === undefined || this.linkFreeAt <= now) return 0;
    return ((this.linkFreeAt - now) * rate) / 8000;
  }

  /**
   * Decides the fate of one packet of `byteLength` bytes arriving at `now` (ms; must not go
   * backwards). Returns the shared result object: read it before calling again.
   */
  schedule(byteLength: number, now: number): ScheduleResult {
    const c = this.counters;
    const r = this.result;
    c.packets++;
    c.bytes += byteLength;
    r.copies = 0;
    r.dropReason = undefined;
    if (this.lost()) {
      c.droppedLoss++;
      r.dropReason = 'loss';
      return r;
    }
    const dup = this.model.duplicate ?? 0;
    const wanted = dup > 0 && this.prng.next() < dup ? 2 : 1;
    for (let i = 0; i < wanted; i++) {
      const at = this.place(byteLength, now);
      if (at < 0) {
        c.droppedQueue++;
        continue;
      }
      r.deliverAt[r.copies++] = at;
      c.scheduled++;
      if (i === 1) c.duplicated++;
    }
    if (r.copies === 0) r.dropReason = 'queue';
    return r;
  }

  private lost(): boolean {
    if (this.burst !== undefined) return this.burst.lose(this.prng);
    const loss = this.model.loss ?? 0;
    return loss > 0 && this.prng.next() < loss;
  }

  /** Rate limiter, then delay; returns the delivery time, or −1 when the queue is full. */
  private place(byteLength: number, now: number): number {
    const m = this.model;
    let departure = now;
    const rate = m.rateBitsPerSecond;
    if (rate !== undefined) {
      const size = byteLength + (m.packetOverheadBytes ?? 0);
      const start = this.linkFreeAt > now ? this.linkFreeAt : now;
      const backlog = ((start - now) * rate) / 8000;
      if (backlog > 0 && backlog + size > this.queueLimit) return -1;
      this.linkFreeAt = start + (size * 8000) / rate;
      departure = this.linkFreeAt;
    }
    let at = departure + sampleDelay(this.model, this.prng);
    const reorder = m.reorder ?? 0;
    if (reorder > 0 && this.prng.next() < reorder) {
      this.counters.reordered++;
      return at + this.reorderDelay; // overtaken by what follows; does not hold back later copies
    }
    if (m.keepOrder === true) {
      if (at < this.lastInOrder) at = this.lastInOrder;
      this.lastInOrder = at;
    }
    return at;
  }
}
