import { ContentType } from './constants.js';
import type { FlightEntry } from './handshake-context.js';
import type { RecordWriter } from './record-layer.js';
import type { DtlsLog } from './dtls-log.js';

/**
 * The last flight we sent and its retransmission timer (RFC 6347 §4.2.4): the timer starts at
 * `initialMs` for each new flight, doubles on every expiry up to `maxMs`, and the flight is sent
 * again on expiry or when the peer repeats its previous flight.
 */
export class FlightTransmitter {
  private flight: FlightEntry[] | undefined;
  private sentAt = 0;
  private timeout: number;
  private deadlineValue: number | undefined;
  private staleDone = false;
  /** Epoch of records we write after our ChangeCipherSpec went out. */
  writeEpoch = 0;
  /** Flights sent again. */
  retransmissions = 0;
  /** Where flights are logged; set only while logging is on. */
  log: DtlsLog | undefined;

  constructor(
    private readonly writer: RecordWriter,
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {
    this.timeout = initialMs;
  }

  /** When the timer fires next, if it runs. */
  get deadline(): number | undefined {
    return this.deadlineValue;
  }

  /** Sends a new flight; a `final` flight arms no timer and is only repeated on the peer's request. */
  send(entries: FlightEntry[], final: boolean, now: number): void {
    this.flight = entries;
    this.timeout = this.initialMs;
    this.transmit(now);
    this.log?.flight(entries, undefined, this.timeout);
    this.deadlineValue = final ? undefined : now + this.timeout;
  }

  /** Timer expiry: send again and double the timeout. Returns whether it fired. */
  onTimer(now: number): boolean {
    if (this.deadlineValue === undefined || now < this.deadlineValue) return false;
    this.timeout = Math.min(this.timeout * 2, this.maxMs);
    this.retransmit(now);
    if (this.flight !== undefined) this.log?.flight(this.flight, 'timer', this.timeout);
    this.deadlineValue = now + this.timeout;
    return true;
  }

  /** Marks the start of a received datagram (stale retransmissions are limited per datagram). */
  beginDatagram(): void {
    this.staleDone = false;
  }

  /**
   * The peer repeated a message we already processed: it lost our flight. Duplicated datagrams
   * must not multiply flights, so this sends at most once per datagram and per quarter of the
   * initial timeout.
   */
  onPeerRetransmission(now: number): void {
    if (this.flight === undefined || this.staleDone) return;
    if (now - this.sentAt < this.initialMs / 4) return;
    this.staleDone = true;
    this.retransmit(now);
    this.log?.flight(this.flight, 'peer', this.timeout);
  }

  /** Forgets the flight and stops the timer. */
  stop(): void {
    this.flight = undefined;
    this.deadlineValue = undefined;
  }

  /** Stops the timer but keeps the flight for the peer's retransmissions. */
  stopTimer(): void {
    this.deadlineValue = undefined;
  }

  private retransmit(now: number): void {
    if (this.flight === undefined) return;
    this.retransmissions++;
    this.transmit(now);
  }

  private transmit(now: number): void {
    const w = this.writer;
    w.flush();
    for (const e of this.flight!) {
      if (e.kind === 'handshake') w.writeHandshake(e.epoch, e.msgType, e.messageSeq, e.body);
      else {
        w.writeRecord(ContentType.change_cipher_spec, e.epoch, Uint8Array.of(1));
        this.writeEpoch = Math.max(this.writeEpoch, e.epoch + 1);
      }
    }
    w.flush();
    this.sentAt = now;
  }
}
