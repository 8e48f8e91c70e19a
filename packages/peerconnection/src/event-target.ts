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

type Listener = NonNullable<Parameters<EventTarget['addEventListener']>[1]>;
type AddOptions = Parameters<EventTarget['addEventListener']>[2];
type RemoveOptions = Parameters<EventTarget['removeEventListener']>[2];

/**
 * Reports an exception a user's listener threw, as a browser reports it to the console and goes
 * on: a process `warning` (printed by Node unless `--no-warnings`), never an uncaught exception.
 */
export function reportListenerError(error: unknown, type?: string): void {
  const e = error instanceof Error ? error : new Error(`a '${type ?? 'event'}' listener threw ${String(error)}`);
  try {
    process.emitWarning(e);
  } catch {
    // A 'warning' handler that throws in turn is not ours to answer.
  }
}

/**
 * EventTarget with event handler attributes; subclasses declare `get onx()/set onx()` through it.
 * A listener that throws does not reach the code that dispatched the event nor crash the process
 * (Node's EventTarget would rethrow it as an uncaught exception): it is reported with
 * {@link reportListenerError} and the next listener runs, as in a browser.
 */
export class RTCEventTarget extends EventTarget {
  #slots = new Map<string, Slot>();
  /** The guarded wrapper of each listener, by type and capture flag (for removeEventListener). */
  #guards = new Map<Listener, Map<string, (ev: Event) => void>>();

  override addEventListener(type: string, listener: Listener | null, options?: AddOptions): void {
    if (listener === null || listener === undefined) return;
    const key = `${type}\u0000${captureOf(options)}`;
    let byKey = this.#guards.get(listener);
    if (byKey?.has(key) === true) return; // the same listener twice is one listener, as the DOM says
    const signal = typeof options === 'object' ? options.signal : undefined;
    if (signal?.aborted === true) return;
    const once = typeof options === 'object' && options.once === true;
    const guarded = (ev: Event): void => {
      if (once) this.#forget(listener, key);
      try {
        if (typeof listener === 'function') listener.call(this, ev);
        else listener.handleEvent(ev);
      } catch (e) {
        reportListenerError(e, type);
      }
    };
    if (byKey === undefined) this.#guards.set(listener, (byKey = new Map()));
    byKey.set(key, guarded);
    // An aborted signal removes the registered wrapper; the listener may then be added again.
    signal?.addEventListener('abort', () => this.#forget(listener, key), { once: true });
    super.addEventListener(type, guarded, options);
  }

  override removeEventListener(type: string, listener: Listener | null, options?: RemoveOptions): void {
    if (listener === null || listener === undefined) return;
    const key = `${type}\u0000${captureOf(options)}`;
    const byKey = this.#guards.get(listener);
    const guarded = byKey?.get(key);
    if (guarded === undefined) return super.removeEventListener(type, listener, options);
    this.#forget(listener, key);
    // Node reads `capture` only from an options object here, not from the boolean form.
    super.removeEventListener(type, guarded, { capture: captureOf(options) });
  }

  #forget(listener: Listener, key: string): void {
    const byKey = this.#guards.get(listener);
    byKey?.delete(key);
    if (byKey?.size === 0) this.#guards.delete(listener);
  }

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

function captureOf(options: AddOptions | RemoveOptions): boolean {
  return typeof options === 'boolean' ? options : options?.capture === true;
}
