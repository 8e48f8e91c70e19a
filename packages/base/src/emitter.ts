/**
 * The one event model of the @x layers. Events are typed as argument tuples, as Node's
 * EventEmitter takes them: `on('message', (data) => …)`.
 *
 * The rule for a listener that throws: the exception does not interrupt the protocol step that
 * emitted, nor the listeners after it. Once the step's emit has called every listener, the
 * exception goes to {@link Emitter.onListenerError} when the owner set one, and otherwise is thrown
 * again on the next tick, where it reaches `process`'s `uncaughtException` as an exception in a Node
 * `EventTarget` listener does. It is never lost and never leaves a protocol state half-updated.
 */
// Listener arguments are checked at on()/emit() by the Events map; the array only stores them.
type AnyListener = (...args: any[]) => void;

/** A map from event name to its listener's argument tuple. */
export type EventMap<Events> = { [K in keyof Events]: unknown[] };

/** A listener wrapped by {@link Emitter.once}, remembering what it wraps so `off` finds it. */
interface OnceWrapper extends AnyListener {
  readonly wrapped: AnyListener;
}

/** A small typed event emitter with one rule for listeners that throw (see the module comment). */
export class Emitter<Events extends EventMap<Events>> {
  // Copy-on-write arrays: emit walks the array it started with, so adding or removing a listener
  // during an emit neither skips nor repeats one, and an emit copies nothing.
  #listeners = new Map<keyof Events, readonly AnyListener[]>();

  /**
   * Where exceptions thrown by listeners go, after the emit that called them has finished. Unset, they
   * are thrown again on the next tick (`process` `uncaughtException`). The owner of an emitter may
   * set it, for instance to report as the W3C API does.
   */
  onListenerError: ((error: unknown, event: keyof Events) => void) | undefined;

  /** Adds a listener. */
  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener as AnyListener]);
    return this;
  }

  /** Adds a listener that is removed before its first call. */
  once<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): this {
    const wrapper = Object.assign(
      (...args: Events[K]) => {
        this.off(event, listener);
        listener(...args);
      },
      { wrapped: listener as AnyListener },
    );
    return this.on(event, wrapper as (...args: Events[K]) => void);
  }

  /** Removes a listener (the first registration of it, as Node's `removeListener`). */
  off<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): this {
    const list = this.#listeners.get(event);
    if (list === undefined) return this;
    const i = list.findIndex((l) => l === listener || (l as Partial<OnceWrapper>).wrapped === listener);
    if (i < 0) return this;
    if (list.length === 1) this.#listeners.delete(event);
    else this.#listeners.set(event, [...list.slice(0, i), ...list.slice(i + 1)]);
    return this;
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: keyof Events): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  /** How many listeners `event` has. */
  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /**
   * Calls the listeners of `event` in the order they were added; returns whether there were any. For
   * the layer that owns the emitter. A listener's exception is handled by the rule above.
   */
  emit<K extends keyof Events>(event: K, ...args: Events[K]): boolean {
    const list = this.#listeners.get(event);
    if (list === undefined) return false;
    let errors: unknown[] | undefined;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!(...args);
      } catch (e) {
        (errors ??= []).push(e);
      }
    }
    if (errors !== undefined) for (const e of errors) this.#report(e, event);
    return true;
  }

  #report(error: unknown, event: keyof Events): void {
    const sink = this.onListenerError;
    if (sink !== undefined) {
      try {
        sink(error, event);
        return;
      } catch (sinkError) {
        error = sinkError;
      }
    }
    process.nextTick(() => {
      throw error;
    });
  }
}
