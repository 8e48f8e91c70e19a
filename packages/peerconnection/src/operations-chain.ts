/**
 * The operations chain (W3C WebRTC §4.4.1.2): createOffer, setLocalDescription, addIceCandidate
 * and the others queue and run one at a time, each starting when the previous one settled.
 */

/** A FIFO of async operations, with a hook for when it runs empty. */
export class OperationsChain {
  private readonly queue: Array<() => void> = [];
  private closed = false;

  /** @param onEmpty called each time the last operation settled and nothing waits. */
  constructor(private readonly onEmpty: () => void, private readonly closedError: () => Error) {}

  /** Operations queued or running. */
  get length(): number {
    return this.queue.length;
  }

  /** Stops running queued operations (the peer connection closed). */
  close(): void {
    this.closed = true;
  }

  /**
   * Chains an operation: rejects with InvalidStateError once closed; otherwise the operation runs
   * after every earlier one settled. A settled operation's result reaches the caller only while
   * the chain is open (a closed connection leaves it pending, as the spec says).
   */
  chain<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(this.closedError());
    return new Promise<T>((resolve, reject) => {
      const run = (): void => {
        let p: Promise<T>;
        try {
          p = operation();
        } catch (e) {
          p = Promise.reject(e);
        }
        p.then(
          (v) => this.settle(() => resolve(v)),
          (e) => this.settle(() => reject(e)),
        );
      };
      this.queue.push(run);
      if (this.queue.length === 1) run();
    });
  }

  private settle(report: () => void): void {
    if (this.closed) return;
    report();
    this.queue.shift();
    const next = this.queue[0];
    if (next !== undefined) next();
    else this.onEmpty();
  }
}
