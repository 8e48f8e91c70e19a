/** A small typed event emitter; a listener that throws is isolated from the protocol core. */
export class Emitter<E extends { [K in keyof E]: unknown }> {
  // Copy-on-write arrays: emit walks the array it started with, with no copy per event, and
  // adding or removing a listener during emit replaces the array instead of shifting it.
  private readonly listeners: { [K in keyof E]?: ReadonlyArray<(arg: E[K]) => void> } = {};

  /** Adds a listener. Returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: (arg: E[K]) => void): () => void {
    this.listeners[event] = [...(this.listeners[event] ?? []), listener];
    return () => {
      const list = this.listeners[event];
      if (list !== undefined) this.listeners[event] = list.filter((l) => l !== listener);
    };
  }

  /** Calls the listeners of `event`; exceptions they throw are swallowed (reported to `onListenerError`). */
  emit<K extends keyof E>(event: K, arg: E[K]): void {
    const list = this.listeners[event];
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!(arg);
      } catch (e) {
        this.onListenerError?.(e);
      }
    }
  }

  /** Optional sink for listener exceptions. */
  onListenerError: ((e: unknown) => void) | undefined;
}
