/**
 * The base of every W3C object here: Node's `EventTarget`, plus the `on<event>` attributes
 * (WebIDL event handler IDL attributes): setting one replaces the previous handler, which sits
 * among the listeners in the order it was first set, as in a browser.
 */

/** An `on<event>` handler. */
export type EventHandler<E extends Event = Event> = ((this: unknown, ev: E) => unknown) | null;

interface Slot {
  handler: EventHandler<Event>;
  listener: (ev: Event) => void;
}

/** EventTarget with event handler attributes; subclasses declare `get onx()/set onx()` through it. */
export class RTCEventTarget extends EventTarget {
  #slots = new Map<string, Slot>();

  /** The handler set for `type`, or null. */
  protected getHandler<E extends Event>(type: string): EventHandler<E> {
    return (this.#slots.get(type)?.handler ?? null) as EventHandler<E>;
  }

  /** Sets (or clears, with null or a non-function) the handler of `type`. */
  protected setHandler<E extends Event>(type: string, handler: EventHandler<E>): void {
    const slot = this.#slots.get(type);
    const fn = typeof handler === 'function' ? (handler as EventHandler<Event>) : null;
    if (slot) {
      // Same listener object, new handler: its place among the listeners is kept.
      slot.handler = fn;
      if (fn === null) {
        this.removeEventListener(type, slot.listener);
        this.#slots.delete(type);
      }
      return;
    }
    if (fn === null) return;
    const created: Slot = {
      handler: fn,
      listener: (ev: Event) => {
        created.handler?.call(this, ev);
      },
    };
    this.#slots.set(type, created);
    this.addEventListener(type, created.listener);
  }

  /** Dispatches a plain `Event` of `type`. */
  protected fire(type: string): void {
    this.dispatchEvent(new Event(type));
  }
}
