/**
 * Drives a {@link DeliveryQueue} with one node timer, armed for the earliest waiting delivery — not
 * one `setTimeout` per packet, which costs a timer object per packet and thrashes the timer list
 * at loopback rates. Node timers have 1 ms granularity; a packet goes out at most `slackMs` early
 * (default 0.5 ms) rather than waiting another tick.
 */
import { DeliveryQueue } from './delivery-queue.js';

/** Monotonic clock in ms. */
export type Clock = () => number;

/** The default clock: `performance.now()`. */
export const monotonicClock: Clock = () => performance.now();

/** One timer in front of a queue of timed deliveries. */
export class DeliveryTimer<T> {
  private readonly queue = new DeliveryQueue<T>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedFor = Infinity;
  private closed = false;

  /**
   * @param deliver called for each item when due, with the tag it was pushed with. Must not throw.
   * @param clock ms clock, the same the delivery times were computed with.
   */
  constructor(
    private readonly deliver: (item: T, tag: number) => void,
    private readonly clock: Clock = monotonicClock,
    private readonly slackMs = 0.5,
  ) {}

  /** Items waiting. */
  get size(): number {
    return this.queue.size;
  }

  /** Queues `item` for delivery at `time` (ms on the clock). */
  push(time: number, item: T, tag = 0): void {
    if (this.closed) return;
    this.queue.push(time, item, tag);
    if (time < this.armedFor) this.arm();
  }

  /** Delivers everything due now, then re-arms for the next. */
  flush(): void {
    const now = this.clock() + this.slackMs;
    while (this.queue.peekTime() <= now) {
      const item = this.queue.pop() as T;
      this.deliver(item, this.queue.lastTag);
    }
    this.arm();
  }

  /** Stops the timer and forgets what is waiting. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
    this.queue.clear();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.armedFor = Infinity;
    if (!this.closed) this.flush();
  };

  private arm(): void {
    const next = this.queue.peekTime();
    if (next === this.armedFor) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = next;
    if (next === Infinity || this.closed) return;
    this.timer = setTimeout(this.onTimer, Math.max(0, Math.ceil(next - this.clock())));
  }
}
