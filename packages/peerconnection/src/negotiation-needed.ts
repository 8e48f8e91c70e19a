/**
 * The negotiation-needed flag (W3C WebRTC §4.7.3): updates queue a task, wait for an empty
 * operations chain, happen only in stable, and fire `negotiationneeded` when the flag turns true.
 */
import { setImmediate as queue } from 'node:timers';

/** What the flag asks of its peer connection. */
export interface NegotiationNeededHost {
  isClosed(): boolean;
  chainLength(): number;
  isStable(): boolean;
  /** "Check if negotiation is needed" (W3C §4.7.3). */
  check(): boolean;
  fire(): void;
}

/** `[[NegotiationNeeded]]` and `[[UpdateNegotiationNeededFlagOnEmptyChain]]`. */
export class NegotiationNeededFlag {
  #flag = false;
  #onEmptyChain = false;

  constructor(private readonly host: NegotiationNeededHost) {}

  /** The flag. */
  get value(): boolean {
    return this.#flag;
  }

  /** "Update the negotiation-needed flag". */
  update(): void {
    const h = this.host;
    if (h.isClosed()) return;
    if (h.chainLength() > 0) {
      this.#onEmptyChain = true;
      return;
    }
    queue(() => {
      if (h.isClosed()) return;
      if (h.chainLength() > 0) {
        this.#onEmptyChain = true;
        return;
      }
      if (!h.isStable()) return;
      if (!h.check()) {
        this.#flag = false;
        return;
      }
      if (this.#flag) return;
      this.#flag = true;
      h.fire();
    });
  }

  /** The operations chain ran empty. */
  chainEmptied(): void {
    if (!this.#onEmptyChain) return;
    this.#onEmptyChain = false;
    this.update();
  }

  /**
   * Back in stable after a description or rollback. The flag is re-evaluated now rather than
   * when the chain empties, so a handled change does not fire again and a change made during the
   * negotiation fires once more (the "true both before and after" rule).
   */
  afterStable(wasNeeded: boolean): void {
    const h = this.host;
    if (!h.check()) {
      this.#flag = false;
      return;
    }
    if (wasNeeded && this.#flag) {
      queue(() => {
        if (h.isClosed() || !this.#flag || !h.isStable()) return;
        h.fire();
      });
      return;
    }
    this.update();
  }
}
