import { StunError } from './stun-error.js';

/** Retransmission parameters of RFC 8489 §6.2.1 / §6.2.2. */
export interface TransactionOptions {
  /** Initial retransmission timeout in ms (default 500). */
  readonly rto?: number;
  /** Total number of transmissions over an unreliable transport (default 7). */
  readonly rc?: number;
  /** After the last transmission, wait `rm * rto` before giving up (default 16). */
  readonly rm?: number;
  /** Reliable transport (TCP/TLS): send once and wait `ti` (default false). */
  readonly reliable?: boolean;
  /** Timeout for reliable transports in ms (default 39500). */
  readonly ti?: number;
}

/**
 * One client transaction's timer, sans-IO (RFC 8489 §6.2.1). Over UDP the request goes out at
 * 0, RTO, 3·RTO, 7·RTO … (the interval doubles), Rc times in all; the transaction fails Rm·RTO
 * after the last one: with the defaults at 0, 500, 1500, 3500, 7500, 15500, 31500 ms and a
 * timeout at 39500 ms. Over a reliable transport it is sent once and fails after Ti.
 */
export class ClientTransaction {
  /** The encoded request (retransmitted unchanged). */
  readonly request: Uint8Array;
  /** When it was first sent. */
  readonly startedAt: number;
  /** Transmissions so far. */
  transmissions = 0;
  private readonly rc: number;
  private readonly rm: number;
  private readonly rto: number;
  private readonly reliable: boolean;
  private readonly ti: number;
  private interval: number;
  private deadline: number;
  private finished = false;

  constructor(request: Uint8Array, now: number, options: TransactionOptions = {}) {
    this.request = request;
    this.startedAt = now;
    this.rto = options.rto ?? 500;
    this.rc = options.rc ?? 7;
    this.rm = options.rm ?? 16;
    this.reliable = options.reliable ?? false;
    this.ti = options.ti ?? 39_500;
    if (!(this.rto > 0) || !(this.rc >= 1) || !(this.rm >= 0) || !(this.ti > 0)) {
      throw new StunError('INVALID_ARGUMENT', 'bad retransmission parameters');
    }
    this.interval = this.rto;
    this.deadline = now; // first transmission is due now
  }

  /** When {@link handleTimeout} must next be called. */
  nextTimeout(): number | undefined {
    return this.finished ? undefined : this.deadline;
  }

  /** Whether the transaction got its answer or timed out. */
  get isFinished(): boolean {
    return this.finished;
  }

  /**
   * Advances time. Returns `'transmit'` when the request must be (re)sent now, `'timeout'` when
   * the transaction has failed, or `undefined` when nothing is due.
   */
  handleTimeout(now: number): 'transmit' | 'timeout' | undefined {
    if (this.finished || now < this.deadline) return undefined;
    if (this.transmissions >= (this.reliable ? 1 : this.rc)) {
      this.finished = true;
      return 'timeout';
    }
    this.transmissions++;
    if (this.reliable) {
      this.deadline = now + this.ti;
    } else if (this.transmissions === this.rc) {
      this.deadline = now + this.rm * this.rto;
    } else {
      this.deadline = now + this.interval;
      this.interval *= 2;
    }
    return 'transmit';
  }

  /** Marks the transaction answered; no more transmissions. */
  finish(): void {
    this.finished = true;
  }
}
