import { DtlsError } from './errors.js';
import type { HandshakeFragment } from './handshake-fragment.js';

/** A complete handshake message, released in message_seq order. */
export interface HandshakeMessage {
  msgType: number;
  messageSeq: number;
  body: Uint8Array;
}

interface Partial {
  msgType: number;
  body: Uint8Array;
  /** One flag per byte received; a count for completion. */
  have: Uint8Array;
  received: number;
}

/**
 * Reassembles handshake messages from fragments that arrive out of order, overlapping or
 * duplicated (RFC 6347 §4.2.3), and releases them strictly in message_seq order.
 * Fragments of messages already released are reported as retransmissions.
 */
export class HandshakeReassembler {
  private nextSeq = 0;
  private readonly pending = new Map<number, Partial>();
  /** How many messages ahead of next_receive_seq are buffered (bounds memory). */
  private readonly window: number;

  constructor(window = 16) {
    this.window = window;
  }

  /** message_seq of the next message to be released. */
  get nextReceiveSeq(): number {
    return this.nextSeq;
  }

  /** Resets the expected message_seq (server after a stateless HelloVerifyRequest). */
  reset(nextSeq: number): void {
    this.nextSeq = nextSeq;
    this.pending.clear();
  }

  /**
   * Adds a fragment. Returns 'old' for a fragment of an already released message (the peer
   * retransmits), 'future' when it is buffered or dropped as too far ahead, 'ok' otherwise.
   * Throws DtlsError `malformed` when a fragment runs past its message.
   */
  add(f: HandshakeFragment): 'old' | 'ok' | 'future' {
    if (f.messageSeq < this.nextSeq) return 'old';
    if (f.messageSeq >= this.nextSeq + this.window) return 'future';
    let p = this.pending.get(f.messageSeq);
    if (p === undefined || p.msgType !== f.msgType || p.body.length !== f.length) {
      // A fragment that disagrees with earlier ones on type or length starts the message over:
      // epoch-0 fragments are unauthenticated, and a forged first fragment must not block the
      // real message (the peer's retransmission then completes it).
      p = { msgType: f.msgType, body: new Uint8Array(f.length), have: new Uint8Array(f.length), received: 0 };
      this.pending.set(f.messageSeq, p);
    }
    const end = f.fragmentOffset + f.body.length;
    if (end > p.body.length) throw new DtlsError('malformed', 'fragment runs past its message');
    for (let i = f.fragmentOffset; i < end; i++) {
      if (p.have[i] === 0) {
        p.have[i] = 1;
        p.body[i] = f.body[i - f.fragmentOffset]!;
        p.received++;
      }
    }
    return f.messageSeq === this.nextSeq ? 'ok' : 'future';
  }

  /** Releases the next complete message, if there is one. */
  next(): HandshakeMessage | undefined {
    const p = this.pending.get(this.nextSeq);
    if (p === undefined || p.received !== p.body.length) return undefined;
    this.pending.delete(this.nextSeq);
    const m = { msgType: p.msgType, messageSeq: this.nextSeq, body: p.body };
    this.nextSeq++;
    return m;
  }
}
