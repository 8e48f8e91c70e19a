/**
 * Packets waiting for their delivery time: a binary min-heap keyed by (time, arrival order), kept
 * as parallel arrays so pushing a packet allocates nothing once the arrays have grown. Equal times
 * come out in the order they went in, so a model without jitter or reordering never reorders.
 * Sans-IO: the caller pops what is due; {@link DeliveryTimer} drives it with one node timer.
 */
export class DeliveryQueue<T> {
  private readonly times: number[] = [];
  private readonly orders: number[] = [];
  private readonly items: (T | undefined)[] = [];
  private readonly tags: number[] = [];
  private count = 0;
  private nextOrder = 0;
  private poppedTag = 0;

  /** Number of items waiting. */
  get size(): number {
    return this.count;
  }

  /** Earliest delivery time waiting, or `Infinity` when empty. */
  peekTime(): number {
    return this.count === 0 ? Infinity : this.times[0]!;
  }

  /** Tag (a small number the caller chose, e.g. the direction) of the item last popped. */
  get lastTag(): number {
    return this.poppedTag;
  }

  /** Adds `item` to be delivered at `time`, with a caller-chosen numeric `tag`. */
  push(time: number, item: T, tag = 0): void {
    let i = this.count++;
    const order = this.nextOrder++;
    // Sift up: move parents down until the slot for the new item is found.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(time, order, parent)) break;
      this.move(parent, i);
      i = parent;
    }
    this.set(i, time, order, item, tag);
  }

  /** Removes and returns the earliest item (its tag in {@link lastTag}); `undefined` when empty. */
  pop(): T | undefined {
    if (this.count === 0) return undefined;
    const top = this.items[0];
    this.poppedTag = this.tags[0]!;
    const last = --this.count;
    if (last > 0) {
      const time = this.times[last]!;
      const order = this.orders[last]!;
      const item = this.items[last];
      const tag = this.tags[last]!;
      let i = 0;
      // Sift down the former last item from the root.
      for (;;) {
        const left = 2 * i + 1;
        if (left >= last) break;
        const right = left + 1;
        const child = right < last && this.lessAt(right, left) ? right : left;
        if (!this.lessAt(child, -1, time, order)) break;
        this.move(child, i);
        i = child;
      }
      this.set(i, time, order, item as T, tag);
    }
    this.items[last] = undefined; // let the packet be collected
    return top;
  }

  /** Drops everything waiting. */
  clear(): void {
    this.items.fill(undefined);
    this.count = 0;
  }

  private before(time: number, order: number, at: number): boolean {
    const t = this.times[at]!;
    return time < t || (time === t && order < this.orders[at]!);
  }

  /** Is slot `a` earlier than slot `b` (or than the given time/order when `b` is −1)? */
  private lessAt(a: number, b: number, time = 0, order = 0): boolean {
    const tb = b < 0 ? time : this.times[b]!;
    const ob = b < 0 ? order : this.orders[b]!;
    const ta = this.times[a]!;
    return ta < tb || (ta === tb && this.orders[a]! < ob);
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.orders[to] = this.orders[from]!;
    this.items[to] = this.items[from];
    this.tags[to] = this.tags[from]!;
  }

  private set(i: number, time: number, order: number, item: T, tag: number): void {
    this.times[i] = time;
    this.orders[i] = order;
    this.items[i] = item;
    this.tags[i] = tag;
  }
}
