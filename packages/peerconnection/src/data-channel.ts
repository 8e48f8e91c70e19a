/**
 * W3C `RTCDataChannel` (WebRTC §6.2) over an `@x/sctp` channel. It exists before SCTP does
 * (createDataChannel before negotiation) and is bound to its SCTP stream once the association
 * is up. Events: open, message, bufferedamountlow, error, closing, close.
 */
import { SctpError, type DataChannel } from '@x/sctp';
import { RTCError, domException } from './errors.js';
import { RTCErrorEvent } from './events.js';
import { RTCEventTarget, type EventHandler } from './event-target.js';

/** `RTCDataChannelState`. */
export type RTCDataChannelState = 'connecting' | 'open' | 'closing' | 'closed';
/** `RTCPriorityType`. */
export type RTCPriorityType = 'very-low' | 'low' | 'medium' | 'high';
/** `BinaryType`. */
export type BinaryType = 'arraybuffer' | 'blob';

/** What createDataChannel takes. */
export interface RTCDataChannelInit {
  ordered?: boolean;
  maxPacketLifeTime?: number;
  maxRetransmits?: number;
  protocol?: string;
  negotiated?: boolean;
  id?: number;
  priority?: RTCPriorityType;
}

/** The validated options of a channel. */
export interface DataChannelParameters {
  label: string;
  ordered: boolean;
  maxPacketLifeTime: number | null;
  maxRetransmits: number | null;
  protocol: string;
  negotiated: boolean;
  id: number | null;
  priority: RTCPriorityType;
}

/** DCEP priority values (RFC 8831 §6.4) for RTCPriorityType. */
export const DCEP_PRIORITY: Readonly<Record<RTCPriorityType, number>> = { 'very-low': 128, low: 256, medium: 512, high: 1024 };

/** RTCPriorityType from a DCEP priority. */
export function priorityFromDcep(p: number): RTCPriorityType {
  if (p <= 128) return 'very-low';
  if (p <= 256) return 'low';
  if (p <= 512) return 'medium';
  return 'high';
}

type Outgoing = { data: string | Uint8Array; size: number } | { blob: Blob; size: number };


/** @internal What a channel asks of its owner. */
export interface DataChannelOwner {
  /** The peer's max-message-size (RTCSctpTransport.maxMessageSize). */
  maxMessageSize(): number;
  /** The channel closed before it was ever bound to SCTP. */
  closedUnbound(channel: RTCDataChannel): void;
}

/** A bidirectional message channel (W3C §6.2). */
export class RTCDataChannel extends RTCEventTarget {
  readonly label: string;
  readonly ordered: boolean;
  readonly maxPacketLifeTime: number | null;
  readonly maxRetransmits: number | null;
  readonly protocol: string;
  readonly negotiated: boolean;
  readonly priority: RTCPriorityType;
  #id: number | null;
  #readyState: RTCDataChannelState;
  #binaryType: BinaryType = 'arraybuffer';
  #threshold = 0;
  #channel: DataChannel | undefined;
  #closeRequested = false;
  #queue: Outgoing[] = [];
  #queuedBytes = 0;
  #pumping = false;
  /** [[BufferedAmount]] once the channel is closed: it is not reset (W3C §6.2 bufferedAmount). */
  #finalBufferedAmount: number | undefined;
  /** Message tasks queued and not yet run: close, closing and error wait for them. */
  #inbound = 0;
  readonly #owner: DataChannelOwner;
  /** @internal Message and byte counters for getStats. */
  readonly counters = { messagesSent: 0, bytesSent: 0, messagesReceived: 0, bytesReceived: 0 };

  /** @internal Made by the peer connection. */
  constructor(p: DataChannelParameters, owner: DataChannelOwner, readyState: RTCDataChannelState = 'connecting') {
    super();
    this.label = p.label;
    this.ordered = p.ordered;
    this.maxPacketLifeTime = p.maxPacketLifeTime;
    this.maxRetransmits = p.maxRetransmits;
    this.protocol = p.protocol;
    this.negotiated = p.negotiated;
    this.priority = p.priority;
    this.#id = p.id;
    this.#readyState = readyState;
    this.#owner = owner;
  }

  /** SCTP stream id; null until the DTLS role is known for an in-band channel. */
  get id(): number | null {
    return this.#id;
  }
  /** connecting, open, closing or closed. */
  get readyState(): RTCDataChannelState {
    return this.#readyState;
  }
  /** Bytes queued by send() and not yet sent. */
  get bufferedAmount(): number {
    if (this.#finalBufferedAmount !== undefined) return this.#finalBufferedAmount;
    return (this.#channel?.bufferedAmount ?? 0) + this.#queuedBytes;
  }
  /** bufferedamountlow fires when bufferedAmount falls to or below this. */
  get bufferedAmountLowThreshold(): number {
    return this.#threshold;
  }
  set bufferedAmountLowThreshold(n: number) {
    // WebIDL unsigned long: modulo 2^32.
    const v = Number.isFinite(n) ? Math.trunc(n) >>> 0 : 0;
    this.#threshold = v;
    if (this.#channel !== undefined) this.#channel.bufferedAmountLowThreshold = v;
  }
  /** How binary messages are delivered: `arraybuffer` (default) or `blob`. */
  get binaryType(): BinaryType {
    return this.#binaryType;
  }
  set binaryType(t: BinaryType) {
    // A WebIDL enum attribute (W3C §6.2, HTML's BinaryType): another value is ignored, not an error.
    const v = `${t}`;
    if (v === 'arraybuffer' || v === 'blob') this.#binaryType = v;
  }

  /** `open` handler: The channel opened. */
  get onopen(): EventHandler {
    return this.getHandler('open');
  }
  set onopen(h: EventHandler) {
    this.setHandler('open', h);
  }
  /** `message` handler: A message (string, ArrayBuffer or Blob by binaryType). */
  get onmessage(): EventHandler<MessageEvent> {
    return this.getHandler('message');
  }
  set onmessage(h: EventHandler<MessageEvent>) {
    this.setHandler('message', h);
  }
  /** `bufferedamountlow` handler: bufferedAmount fell to the threshold. */
  get onbufferedamountlow(): EventHandler {
    return this.getHandler('bufferedamountlow');
  }
  set onbufferedamountlow(h: EventHandler) {
    this.setHandler('bufferedamountlow', h);
  }
  /** `error` handler: An RTCErrorEvent before an abnormal close. */
  get onerror(): EventHandler<RTCErrorEvent> {
    return this.getHandler('error');
  }
  set onerror(h: EventHandler<RTCErrorEvent>) {
    this.setHandler('error', h);
  }
  /** `closing` handler: The peer started closing the channel. */
  get onclosing(): EventHandler {
    return this.getHandler('closing');
  }
  set onclosing(h: EventHandler) {
    this.setHandler('closing', h);
  }
  /** `close` handler: The channel closed. */
  get onclose(): EventHandler {
    return this.getHandler('close');
  }
  set onclose(h: EventHandler) {
    this.setHandler('close', h);
  }

  /**
   * Sends a string, ArrayBuffer, view or Blob. InvalidStateError unless open; TypeError above the
   * peer's max-message-size. Bytes are copied; a Blob is read first, and later sends wait for it so
   * messages keep their order.
   */
  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    if (this.#readyState !== 'open') throw domException('InvalidStateError', `send() on a ${this.#readyState} RTCDataChannel`);
    let item: Outgoing;
    if (typeof data === 'string') item = { data, size: Buffer.byteLength(data, 'utf8') };
    else if (data instanceof ArrayBuffer) item = { data: new Uint8Array(data.slice(0)), size: data.byteLength };
    else if (ArrayBuffer.isView(data)) {
      const copy = new Uint8Array(data.byteLength);
      copy.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      item = { data: copy, size: copy.length };
    } else if (data instanceof Blob) item = { blob: data, size: data.size };
    else item = { data: String(data), size: Buffer.byteLength(String(data), 'utf8') };
    if (item.size > this.#owner.maxMessageSize()) {
      throw new TypeError(`message of ${item.size} bytes exceeds maxMessageSize ${this.#owner.maxMessageSize()}`);
    }
    if (this.#queue.length === 0 && !('blob' in item)) {
      this.#sendNow(item.data, item.size);
      return;
    }
    this.#queue.push(item);
    this.#queuedBytes += item.size;
    void this.#pump();
  }

  /** Closes the channel: its SCTP stream is reset; the others go on. */
  close(): void {
    if (this.#readyState === 'closing' || this.#readyState === 'closed') return;
    this.#closeRequested = true;
    this.#readyState = 'closing';
    if (this.#channel !== undefined) {
      // W3C §6.2.4 closing procedure: what send() queued (Blobs still being read) goes out first.
      if (this.#queue.length === 0) this.#channel.close();
      else void this.#pump();
      return;
    }
    this.#owner.closedUnbound(this);
    setImmediate(() => this.#finish());
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        const item = this.#queue[0]!;
        const data = 'blob' in item ? new Uint8Array(await item.blob.arrayBuffer()) : item.data;
        this.#queue.shift();
        this.#queuedBytes -= item.size;
        // Open, or closing by our close() (which waits for this queue); not after the peer's reset.
        if (this.#readyState !== 'open' && !(this.#readyState === 'closing' && this.#closeRequested)) continue;
        this.#sendNow(data, item.size);
      }
    } finally {
      this.#pumping = false;
      if (this.#readyState === 'closing' && this.#closeRequested) this.#channel?.close();
    }
  }

  #sendNow(data: string | Uint8Array, size: number): void {
    try {
      this.#channel!.send(data);
      this.counters.messagesSent++;
      this.counters.bytesSent += size;
    } catch (e) {
      if (e instanceof SctpError && e.code === 'message-too-large') throw new TypeError(e.message);
      throw domException('InvalidStateError', e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * @internal Binds the SCTP channel (same id) and follows its events. `associationClosed` tells
   * a channel closed by the association's end (ABORT, failure) from one closed by a stream reset.
   */
  bind(channel: DataChannel, associationClosed: () => boolean): void {
    this.#channel = channel;
    this.#id = channel.id;
    if (this.#threshold !== 0) channel.bufferedAmountLowThreshold = this.#threshold;
    channel.on('open', () => {
      if (this.#readyState !== 'connecting' && this.#readyState !== 'open') return;
      this.#readyState = 'open';
      this.fire('open');
    });
    channel.on('message', (data) => this.#deliver(data));
    channel.on('bufferedamountlow', () => this.fire('bufferedamountlow'));
    // Messages received before the stream was reset come first: each is its own task.
    channel.on('closing', () => this.#afterMessages(() => {
      if (this.#readyState === 'closed') return;
      this.#readyState = 'closing';
      // Only a close the peer started is announced (W3C §6.2.4); a local close() is not.
      if (!this.#closeRequested) this.fire('closing');
    }));
    channel.on('error', (e) => this.#afterMessages(() => {
      if (this.#readyState === 'closed') return;
      this.dispatchEvent(new RTCErrorEvent('error', { error: new RTCError({ errorDetail: 'data-channel-failure' }, e.message) }));
    }));
    channel.on('close', () => {
      const transportClosed = associationClosed();
      this.#afterMessages(() => {
        if (transportClosed) this.failTransport('the SCTP association closed');
        else this.#finish();
      });
    });
    if (channel.readyState === 'open' && this.#readyState === 'connecting') {
      // Bound to an already open stream (remote channel): announce as the spec orders it.
      this.#readyState = 'open';
    }
  }

  /** @internal The association failed: error (sctp-failure), then close. */
  failTransport(reason: string, sctpCauseCode?: number): void {
    if (this.#inbound > 0) {
      this.#afterMessages(() => this.failTransport(reason, sctpCauseCode));
      return;
    }
    if (this.#readyState === 'closed') return;
    const init = sctpCauseCode === undefined ? { errorDetail: 'sctp-failure' as const } : { errorDetail: 'sctp-failure' as const, sctpCauseCode };
    this.dispatchEvent(new RTCErrorEvent('error', { error: new RTCError(init, reason) }));
    this.#finish();
  }

  /** @internal The peer connection closed: closed at once, no events (W3C §4.4.1.6 close()). */
  closeSilently(): void {
    // What was still queued is discarded, but bufferedAmount keeps counting it (W3C §6.2).
    this.#finalBufferedAmount ??= this.bufferedAmount;
    this.#readyState = 'closed';
    this.#queue = [];
    this.#queuedBytes = 0;
  }

  /** @internal */
  assignId(id: number): void {
    this.#id = id;
  }

  #finish(): void {
    if (this.#readyState === 'closed') return;
    this.#finalBufferedAmount ??= this.bufferedAmount;
    this.#readyState = 'closed';
    this.#queue = [];
    this.#queuedBytes = 0;
    this.fire('close');
  }

  /** Runs `fn` after the message tasks already queued, or now when there are none. */
  #afterMessages(fn: () => void): void {
    if (this.#inbound === 0) fn();
    else setImmediate(fn);
  }

  /** A message arrived: its event is fired in a task of its own (W3C §6.2.3), so the microtasks a handler queues run before the next message. */
  #deliver(data: string | Uint8Array): void {
    if (this.#readyState !== 'open') return;
    this.#inbound++;
    setImmediate(() => {
      this.#inbound--;
      this.#dispatchMessage(data);
    });
  }

  #dispatchMessage(data: string | Uint8Array): void {
    // W3C §6.2.3: a channel no longer open when the task runs discards the message (after our
    // close(), or the connection's); a close the peer started turns closing only after the
    // messages received before it.
    if (this.#readyState !== 'open') return;
    this.counters.messagesReceived++;
    this.counters.bytesReceived += typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
    let payload: string | ArrayBuffer | Blob;
    if (typeof data === 'string') payload = data;
    else if (this.#binaryType === 'blob') payload = new Blob([data]);
    else if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) payload = data.buffer as ArrayBuffer;
    // SCTP hands over the message (RFC 8831 delivery owns it); a view into a larger buffer is copied.
    else payload = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    this.dispatchEvent(new MessageEvent('message', { data: payload }));
  }
}
