/** Per-message send options (RFC 8831 §6.6 reliability, RFC 3758 policies). */
export interface SendOptions {
  /** Deliver without regard to order (U bit). Default false. */
  unordered?: boolean;
  /** PR-SCTP limited retransmissions: abandon after this many retransmissions. */
  maxRetransmits?: number;
  /** PR-SCTP timed reliability: abandon this many ms after the message was queued. */
  maxPacketLifeTime?: number;
  /**
   * Whether the message counts in the stream's buffered amount. Default true; false for what the
   * application did not send as data (RFC 8832 DCEP messages, the byte standing in for an empty
   * message), which W3C `bufferedAmount` leaves out.
   */
  counted?: boolean;
}

/** A user message on its way out; fragmented lazily as the window opens. */
export class OutboundMessage {
  /** Bytes already cut into DATA chunks. */
  offset = 0;
  /** Stream Sequence Number, given when the first fragment leaves. */
  ssn = 0;
  /** Abandoned under PR-SCTP (RFC 3758 §3.5). */
  abandoned = false;

  constructor(
    readonly streamIdentifier: number,
    readonly ppid: number,
    readonly data: Uint8Array,
    readonly unordered: boolean,
    /** Undefined means fully reliable. */
    readonly maxRetransmits: number | undefined,
    /** Absolute time (ms) after which the message is abandoned; undefined means never. */
    readonly expiresAt: number | undefined,
    /** Counted in the stream's buffered amount (see {@link SendOptions.counted}). */
    readonly counted = true,
  ) {}
}

/** Outgoing state of one stream. */
export interface OutboundStream {
  nextSsn: number;
  /** Bytes of counted messages queued on the stream and not yet handed to the network. */
  buffered: number;
  /** Bytes of every message queued on the stream, counted or not. */
  queued: number;
  /** The bufferedamountlow threshold. */
  lowThreshold: number;
}

/**
 * FIFO of user messages not yet fully sent. Without I-DATA (RFC 8260) the fragments of one message
 * must take consecutive TSNs, so one message is cut at a time, in order of sending.
 */
export class SendQueue {
  /** Bytes queued in all streams and not yet handed to the network. */
  buffered = 0;
  private items: OutboundMessage[] = [];
  private head = 0;
  private readonly streams = new Map<number, OutboundStream>();
  private readonly onLow: (streamIdentifier: number) => void;

  constructor(onBufferedAmountLow: (streamIdentifier: number) => void) {
    this.onLow = onBufferedAmountLow;
  }

  /** The stream's outgoing state, made on first use. */
  stream(sid: number): OutboundStream {
    let s = this.streams.get(sid);
    if (s === undefined) {
      s = { nextSsn: 0, buffered: 0, queued: 0, lowThreshold: 0 };
      this.streams.set(sid, s);
    }
    return s;
  }

  /** Queues a message. */
  push(m: OutboundMessage): void {
    this.items.push(m);
    this.buffered += m.data.length;
    const s = this.stream(m.streamIdentifier);
    s.queued += m.data.length;
    if (m.counted) s.buffered += m.data.length;
  }

  /** Whether nothing is queued. */
  get empty(): boolean {
    return this.head === this.items.length;
  }

  /**
   * The message whose next fragment goes out next, dropping at the front those abandoned or expired
   * before any of their bytes left (RFC 3758 §3.5 A3 lets the sender abandon them silently).
   */
  front(now: number): OutboundMessage | undefined {
    while (this.head < this.items.length) {
      const m = this.items[this.head]!;
      if (m.abandoned || (m.offset === 0 && m.expiresAt !== undefined && now >= m.expiresAt)) {
        m.abandoned = true;
        this.drop(m);
        continue;
      }
      return m;
    }
    return undefined;
  }

  /** Notes that `n` bytes of the front message were cut into a chunk; pops it when done. */
  consumed(m: OutboundMessage, n: number): void {
    m.offset += n;
    this.account(m, n);
    if (m.offset === m.data.length) this.pop();
  }

  /** Drops the front message if it is `m` (abandoned while partly sent). */
  discard(m: OutboundMessage): void {
    if (this.head < this.items.length && this.items[this.head] === m) this.drop(m);
  }

  /** Whether any message of the stream is still queued. */
  hasQueued(sid: number): boolean {
    const s = this.streams.get(sid);
    return s !== undefined && s.queued > 0;
  }

  /** Resets the outgoing SSN of streams (RFC 6525 §5.1.4); an empty list means all. */
  resetSsn(streams: readonly number[]): void {
    if (streams.length === 0) for (const s of this.streams.values()) s.nextSsn = 0;
    for (const sid of streams) {
      const s = this.streams.get(sid);
      if (s !== undefined) s.nextSsn = 0;
    }
  }

  /** Forgets a closed stream's state. */
  deleteStream(sid: number): void {
    const s = this.streams.get(sid);
    if (s !== undefined && s.queued === 0) this.streams.delete(sid);
  }

  private drop(m: OutboundMessage): void {
    this.account(m, m.data.length - m.offset);
    m.offset = m.data.length;
    this.pop();
  }

  private pop(): void {
    this.head++;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  private account(m: OutboundMessage, n: number): void {
    if (n === 0) return;
    this.buffered -= n;
    const sid = m.streamIdentifier;
    const s = this.stream(sid);
    s.queued -= n;
    if (!m.counted) return;
    const before = s.buffered;
    s.buffered -= n;
    if (before > s.lowThreshold && s.buffered <= s.lowThreshold) this.onLow(sid);
  }
}
