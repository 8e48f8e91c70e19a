type Listener = (...args: unknown[]) => void;

/**
 * A small typed event emitter. A listener that throws does not disturb the protocol: the error is
 * rethrown on a later tick, as Node's EventTarget reports listener errors.
 */
export class Emitter<Events extends Record<string, unknown[]>> {
  private readonly listeners = new Map<keyof Events, (Listener)[]>();

  /** Adds a listener. */
  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): this {
    const list = this.listeners.get(event);
    if (list) list.push(listener as unknown as Listener);
    else this.listeners.set(event, [listener as unknown as Listener]);
    return this;
  }

  /** Removes a listener. */
  off<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): this {
    const list = this.listeners.get(event);
    const i = list?.indexOf(listener as unknown as Listener) ?? -1;
    if (i >= 0) list!.splice(i, 1);
    return this;
  }

  /** Adds a listener that runs once. */
  once<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): this {
    const wrapper = (...args: Events[K]) => {
      this.off(event, wrapper);
      listener(...args);
    };
    return this.on(event, wrapper);
  }

  /** Calls the listeners of `event`. */
  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const list = this.listeners.get(event);
    if (!list || list.length === 0) return;
    for (const l of list.length === 1 ? list : [...list]) {
      try {
        (l as unknown as (...a: Events[K]) => void)(...args);
      } catch (e) {
        process.nextTick(() => {
          throw e;
        });
      }
    }
  }
}
