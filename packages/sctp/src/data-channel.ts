import { Emitter } from '@x/base';
import { Ppid } from './dcep.js';
import { SctpError } from './sctp-error.js';

/** Channel state, as W3C `RTCDataChannelState`. */
export type DataChannelState = 'connecting' | 'open' | 'closing' | 'closed';

/** Options of a new data channel (W3C `RTCDataChannelInit`). */
export interface DataChannelInit {
  /** Ordered delivery; default true. */
  ordered?: boolean;
  /** Partial reliability by retransmissions (exclusive with maxPacketLifeTime). */
  maxRetransmits?: number;
  /** Partial reliability by lifetime in ms (exclusive with maxRetransmits). */
  maxPacketLifeTime?: number;
  /** Subprotocol name; default ''. */
  protocol?: string;
  /** Negotiated out of band: no DCEP, both sides create it with the same `id`. */
  negotiated?: boolean;
  /** Stream id; required when negotiated. */
  id?: number;
  /** DCEP priority (RFC 8831 §6.4); default 256 (normal). */
  priority?: number;
}

/** Events of a {@link DataChannel}. */
export type DataChannelEvents = {
  open: [];
  /** A message: a string (PPID 51/56) or bytes (PPID 53/57). */
  message: [data: string | Uint8Array];
  bufferedamountlow: [];
  closing: [];
  close: [];
  error: [error: SctpError];
};

/** What a channel needs from the transport it lives on (internal). */
export interface DataChannelHost {
  readonly maxMessageSize: number;
  sendOnChannel(ch: DataChannel, ppid: number, data: Uint8Array): void;
  closeChannel(ch: DataChannel): void;
  bufferedAmount(id: number): number;
  setBufferedAmountLowThreshold(id: number, threshold: number): void;
}

const utf8 = new TextEncoder();
const ONE_BYTE = new Uint8Array(1);

/**
 * One WebRTC data channel (RFC 8831) on an SCTP stream; the object `@x/peerconnection` wraps into
 * the W3C `RTCDataChannel`. Events: `open`, `message`, `bufferedamountlow`, `closing`, `close`.
 */
export class DataChannel extends Emitter<DataChannelEvents> {
  /** SCTP stream id. */
  readonly id: number;
  readonly label: string;
  readonly protocol: string;
  readonly ordered: boolean;
  readonly maxRetransmits: number | undefined;
  readonly maxPacketLifeTime: number | undefined;
  readonly negotiated: boolean;
  readonly priority: number;
  /** Current state. */
  readyState: DataChannelState = 'connecting';
  /** DATA_CHANNEL_ACK received (or not needed): unordered sends may start (RFC 8832 §6). */
  acknowledged: boolean;
  private lowThreshold = 0;
  private readonly host: DataChannelHost;

  /** @internal Made by the transport; use `createDataChannel`. */
  constructor(host: DataChannelHost, id: number, label: string, init: DataChannelInit, acknowledged: boolean) {
    super();
    this.host = host;
    this.id = id;
    this.label = label;
    this.protocol = init.protocol ?? '';
    this.ordered = init.ordered ?? true;
    this.maxRetransmits = init.maxRetransmits;
    this.maxPacketLifeTime = init.maxPacketLifeTime;
    this.negotiated = init.negotiated ?? false;
    this.priority = init.priority ?? 256;
    this.acknowledged = acknowledged;
  }

  /** Bytes queued by {@link send} and not yet handed to the network. */
  get bufferedAmount(): number {
    return this.readyState === 'closed' ? 0 : this.host.bufferedAmount(this.id);
  }

  /** The level at or below which `bufferedamountlow` fires. */
  get bufferedAmountLowThreshold(): number {
    return this.lowThreshold;
  }

  set bufferedAmountLowThreshold(n: number) {
    this.lowThreshold = n;
    this.host.setBufferedAmountLowThreshold(this.id, n);
  }

  /** The largest message {@link send} accepts (the peer's max-message-size). */
  get maxMessageSize(): number {
    return this.host.maxMessageSize;
  }

  /**
   * Sends a string (PPID 51, or 56 when empty) or bytes (PPID 53, or 57 when empty). Throws
   * {@link SctpError} `invalid-state` unless open, and `message-too-large` above max-message-size;
   * a message is never truncated. The bytes are kept by reference until sent: do not reuse them.
   */
  send(data: string | Uint8Array): void {
    if (this.readyState !== 'open') throw new SctpError('invalid-state', `send() on a ${this.readyState} channel`);
    const bytes = typeof data === 'string' ? utf8.encode(data) : data;
    if (bytes.length > this.host.maxMessageSize) {
      throw new SctpError('message-too-large', `message of ${bytes.length} bytes exceeds max-message-size ${this.host.maxMessageSize}`);
    }
    const isString = typeof data === 'string';
    if (bytes.length === 0) {
      // RFC 8831 §6.6: SCTP cannot carry an empty message; send one byte with the "empty" PPID.
      this.host.sendOnChannel(this, isString ? Ppid.STRING_EMPTY : Ppid.BINARY_EMPTY, ONE_BYTE);
    } else {
      this.host.sendOnChannel(this, isString ? Ppid.STRING : Ppid.BINARY, bytes);
    }
  }

  /** Closes the channel by resetting its stream (RFC 8831 §6.7); other channels are untouched. */
  close(): void {
    if (this.readyState === 'closing' || this.readyState === 'closed') return;
    this.host.closeChannel(this);
  }

  /** @internal */
  setState(s: DataChannelState): void {
    if (this.readyState === s) return;
    this.readyState = s;
    if (s === 'open') this.emit('open');
    else if (s === 'closing') this.emit('closing');
    else if (s === 'closed') this.emit('close');
  }

  /** @internal Fires `open` for a channel the peer opened (already open when announced). */
  announceOpen(): void {
    this.emit('open');
  }

  /** @internal */
  deliver(data: string | Uint8Array): void {
    if (this.readyState === 'open' || this.readyState === 'closing') this.emit('message', data);
  }

  /** @internal */
  bufferedLow(): void {
    this.emit('bufferedamountlow');
  }

  /** @internal */
  fail(e: SctpError): void {
    this.emit('error', e);
  }
}
