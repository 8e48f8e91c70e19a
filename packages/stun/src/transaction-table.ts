import { ClientTransaction, type TransactionOptions } from './client-transaction.js';
import { StunClass } from './message-type.js';
import type { StunMessage } from './message.js';
import { StunError } from './stun-error.js';
import { transactionKey } from './transaction-id.js';

/** A datagram the table wants sent. */
export interface Transmit<C> {
  readonly data: Uint8Array;
  readonly context: C;
}

/** How a transaction ended. */
export type TransactionOutcome<C> =
  | {
      readonly kind: 'response';
      readonly context: C;
      readonly request: Uint8Array;
      readonly response: StunMessage;
      /** Time from the first transmission to the response, in ms. */
      readonly rtt: number;
      /** Transmissions made (1 when never retransmitted: the RTT sample is unambiguous). */
      readonly transmissions: number;
    }
  | { readonly kind: 'timeout'; readonly context: C; readonly request: Uint8Array; readonly error: StunError };

interface Entry<C> {
  readonly tx: ClientTransaction;
  readonly context: C;
}

/**
 * Outstanding client transactions keyed by transaction id, sans-IO. Feed it time with
 * {@link handleTimeout} and responses with {@link handleResponse}; take datagrams to send from
 * {@link pollTransmit}. The context (e.g. the destination address) travels with each
 * transmission and outcome. ICE runs its connectivity checks through one of these.
 */
export class TransactionTable<C = unknown> {
  private readonly entries = new Map<string, Entry<C>>();
  private readonly queue: Transmit<C>[] = [];
  private readonly defaults: TransactionOptions;

  constructor(defaults: TransactionOptions = {}) {
    this.defaults = defaults;
  }

  /** Outstanding transactions. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Starts a transaction for an encoded request (its id is read from bytes 8..20); its first
   * transmission is queued at once.
   */
  start(request: Uint8Array, now: number, context: C, options?: TransactionOptions): void {
    if (request.length < 20) throw new StunError('INVALID_ARGUMENT', 'request shorter than a header');
    const key = transactionKey(request.subarray(8, 20));
    if (this.entries.has(key)) throw new StunError('INVALID_ARGUMENT', 'transaction id already in use');
    const tx = new ClientTransaction(request, now, { ...this.defaults, ...options });
    this.entries.set(key, { tx, context });
    tx.handleTimeout(now);
    this.queue.push({ data: request, context });
  }

  /** Next datagram to send, if any. */
  pollTransmit(): Transmit<C> | undefined {
    return this.queue.shift();
  }

  /**
   * Matches a success or error response to its transaction by id. Returns the outcome, or
   * undefined for a message that is not a response to an outstanding request.
   */
  handleResponse(message: StunMessage, now: number): TransactionOutcome<C> | undefined {
    if (message.messageClass !== StunClass.SuccessResponse && message.messageClass !== StunClass.ErrorResponse) return undefined;
    const key = transactionKey(message.transactionId);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    entry.tx.finish();
    return {
      kind: 'response',
      context: entry.context,
      request: entry.tx.request,
      response: message,
      rtt: now - entry.tx.startedAt,
      transmissions: entry.tx.transmissions,
    };
  }

  /** Advances time: queues retransmissions and returns transactions that timed out. */
  handleTimeout(now: number): TransactionOutcome<C>[] {
    const out: TransactionOutcome<C>[] = [];
    for (const [key, entry] of this.entries) {
      const due = entry.tx.handleTimeout(now);
      if (due === 'transmit') {
        this.queue.push({ data: entry.tx.request, context: entry.context });
      } else if (due === 'timeout') {
        this.entries.delete(key);
        out.push({
          kind: 'timeout',
          context: entry.context,
          request: entry.tx.request,
          error: new StunError('TIMEOUT', `no response after ${entry.tx.transmissions} transmissions`),
        });
      }
    }
    return out;
  }

  /** Earliest time {@link handleTimeout} must be called, or undefined when idle. */
  nextTimeout(): number | undefined {
    let min: number | undefined;
    for (const { tx } of this.entries.values()) {
      const t = tx.nextTimeout();
      if (t !== undefined && (min === undefined || t < min)) min = t;
    }
    return min;
  }

  /** Forgets a transaction (no outcome will be reported). Returns whether it existed. */
  cancel(transactionId: Uint8Array): boolean {
    return this.entries.delete(transactionKey(transactionId));
  }

  /** Forgets every transaction and returns their contexts (to fail them with CLOSED). */
  clear(): C[] {
    const contexts = [...this.entries.values()].map((e) => e.context);
    this.entries.clear();
    this.queue.length = 0;
    return contexts;
  }
}
