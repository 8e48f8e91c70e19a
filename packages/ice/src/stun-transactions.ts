// Outstanding Binding transactions of the agent and their retransmission (RFC 8489 §6.2.1,
// RFC 8445 §14.3), in simulated time.
import type { LocalCandidate } from './candidate.js';
import type { CandidatePair } from './candidate-pair.js';
import type { TransportAddress } from './transport-address.js';

/** What a transaction is for. */
export type TransactionKind = 'check' | 'consent' | 'gather';

/** A request in flight. */
export interface Transaction {
  readonly kind: TransactionKind;
  readonly data: Uint8Array;
  readonly socketId: number;
  readonly destination: TransportAddress;
  /** Transmissions before giving up. */
  readonly maxSends: number;
  sends: number;
  rto: number;
  nextAt: number;
  /** When the first transmission went out. */
  startedAt: number;
  /** Checks and consent: the pair checked, the role and PRIORITY sent, the key used. */
  readonly pair?: CandidatePair;
  readonly useCandidate?: boolean;
  readonly controlling?: boolean;
  readonly priority?: number;
  readonly password?: string;
  /** Gathering: the host candidate asking the STUN server. */
  readonly gatherBase?: LocalCandidate;
}

/** What a new transaction needs. */
export type TransactionInit = Omit<Transaction, 'sends' | 'rto' | 'nextAt' | 'startedAt'>;

/** Map key of a transaction ID. */
export function transactionKey(id: Uint8Array): string {
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
}

/**
 * The table of transactions: the wait after each send doubles from `rto` up to `maxRto`; after
 * `maxSends` sends and one more wait, the transaction times out.
 */
export class TransactionTable {
  private readonly table = new Map<string, Transaction>();

  constructor(
    private readonly rto: number,
    private readonly maxRto: number,
  ) {}

  /** Adds a transaction and makes its first transmission (returned); `rto` overrides the initial RTO. */
  start(transactionId: Uint8Array, init: TransactionInit, now: number, rto = this.rto): Transaction {
    const t: Transaction = { ...init, sends: 0, rto, nextAt: now, startedAt: now };
    this.table.set(transactionKey(transactionId), t);
    this.sent(t, now);
    return t;
  }

  /** How long (ms) a transaction of `maxSends` sends from `rto` lasts before it times out. */
  giveUpAfter(rto: number, maxSends: number): number {
    let total = 0;
    for (let i = 0; i < maxSends; i++) {
      if (i > 0) rto = Math.min(rto * 2, Math.max(this.maxRto, rto));
      total += rto;
    }
    return total;
  }

  /** Records a (re)transmission and schedules the next one. */
  private sent(t: Transaction, now: number): void {
    t.sends++;
    if (t.sends > 1) t.rto = Math.min(t.rto * 2, Math.max(this.maxRto, t.rto));
    t.nextAt = now + t.rto;
  }

  /** The transaction of a response, without removing it. */
  get(transactionId: Uint8Array): Transaction | undefined {
    return this.table.get(transactionKey(transactionId));
  }

  /** Removes a finished transaction. */
  delete(transactionId: Uint8Array): void {
    this.table.delete(transactionKey(transactionId));
  }

  /**
   * Handles due timers: calls `resend` for each transaction to transmit again and `timeout` for
   * each that gave up (already removed).
   */
  advance(now: number, resend: (t: Transaction) => void, timeout: (t: Transaction) => void): void {
    for (const [key, t] of this.table) {
      if (t.nextAt > now) continue;
      if (t.sends >= t.maxSends) {
        this.table.delete(key);
        timeout(t);
        continue;
      }
      this.sent(t, now);
      resend(t);
    }
  }

  /** Earliest timer, or Infinity. */
  nextDeadline(): number {
    let next = Infinity;
    for (const t of this.table.values()) next = Math.min(next, t.nextAt);
    return next;
  }

  /** Whether a transaction of this kind is in flight. */
  has(kind: TransactionKind): boolean {
    for (const t of this.table.values()) if (t.kind === kind) return true;
    return false;
  }

  /** Forgets the transactions `match` picks (checks on a TCP connection that closed). */
  removeWhere(match: (t: Transaction) => boolean): void {
    for (const [k, t] of this.table) if (match(t)) this.table.delete(k);
  }

  /** Forgets every transaction except the given kind (ICE restart keeps gathering). */
  retainOnly(kind: TransactionKind | undefined): void {
    for (const [k, t] of this.table) if (t.kind !== kind) this.table.delete(k);
  }
}
