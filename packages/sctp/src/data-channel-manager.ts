import { Emitter } from '@x/base';
import type { Association, AssociationHandler, AssociationState } from './association.js';
import { DataChannel, type DataChannelHost, type DataChannelInit } from './data-channel.js';
import { ChannelType, DcepMessageType, Ppid, decodeDcep, encodeDcep, type DataChannelOpen } from './dcep.js';
import { SctpError } from './sctp-error.js';
import type { SendOptions } from './send-queue.js';

/** Options of a {@link DataChannelManager}. */
export interface DataChannelManagerOptions {
  /** Our DTLS role: the DTLS client takes even stream ids, the server odd ones (RFC 8832 §6). */
  role: 'client' | 'server';
  /** The peer's max-message-size (RFC 8841), the largest message we send; default 262144. */
  maxMessageSize?: number;
}

/** Events of a {@link DataChannelManager}. */
export type DataChannelManagerEvents = {
  /** The peer opened a channel in band (DATA_CHANNEL_OPEN). */
  datachannel: [channel: DataChannel];
  /** The association changed state. */
  statechange: [state: AssociationState];
  /** The association closed (ABORT, failure, shutdown). */
  close: [reason: string];
};

/** Counters. */
export interface DataChannelStats {
  /** Messages for streams without a channel, or malformed DCEP messages: dropped. */
  messagesDropped: number;
}

const utf8 = new TextDecoder();

/**
 * Data channels (RFC 8831) and DCEP (RFC 8832) over one {@link Association}, without I/O: it is the
 * association's handler, and calls {@link wake} whenever it queued something to send.
 */
export class DataChannelManager extends Emitter<DataChannelManagerEvents> implements AssociationHandler, DataChannelHost {
  readonly maxMessageSize: number;
  readonly role: 'client' | 'server';
  readonly channelStats: DataChannelStats = { messagesDropped: 0 };
  private assoc: Association | undefined;
  private readonly channels = new Map<number, DataChannel>();
  private readonly outgoingReset = new Set<number>();
  private readonly incomingReset = new Set<number>();

  constructor(opts: DataChannelManagerOptions) {
    super();
    this.role = opts.role;
    this.maxMessageSize = opts.maxMessageSize ?? 262_144;
  }

  /** Binds the association this manager handles (made with this manager as its handler). */
  attach(association: Association): void {
    this.assoc = association;
  }

  /** Called after something was queued on the association; the I/O adapter drains it. */
  wake(): void {}

  /** The open (or opening) channels by stream id. */
  get dataChannels(): ReadonlyMap<number, DataChannel> {
    return this.channels;
  }

  /**
   * Creates a channel. In band (default) it sends DATA_CHANNEL_OPEN on the next free stream id of
   * our parity once the association is up; negotiated channels use `init.id` and no DCEP.
   */
  createDataChannel(label: string, init: DataChannelInit = {}): DataChannel {
    if (init.maxRetransmits !== undefined && init.maxPacketLifeTime !== undefined) {
      throw new SctpError('invalid-argument', 'maxRetransmits and maxPacketLifeTime are exclusive');
    }
    let id = init.id;
    if (init.negotiated && id === undefined) throw new SctpError('invalid-argument', 'a negotiated channel needs an id');
    if (id === undefined) id = this.freeId();
    if (!Number.isInteger(id) || id < 0 || id > 65534) throw new SctpError('invalid-argument', `stream id ${id} out of range`);
    if (this.channels.has(id)) throw new SctpError('invalid-argument', `stream id ${id} in use`);
    const ch = new DataChannel(this, id, label, init, init.negotiated === true);
    this.channels.set(id, ch);
    if (this.assoc?.state === 'established') this.openChannel(ch, true);
    return ch;
  }

  private freeId(): number {
    for (let id = this.role === 'client' ? 0 : 1; id <= 65534; id += 2) if (!this.channels.has(id)) return id;
    throw new SctpError('invalid-argument', 'no free stream id');
  }

  private openChannel(ch: DataChannel, later: boolean): void {
    if (!ch.negotiated) {
      let channelType: number = ChannelType.DATA_CHANNEL_RELIABLE;
      let reliabilityParameter = 0;
      if (ch.maxRetransmits !== undefined) {
        channelType = ChannelType.DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT;
        reliabilityParameter = ch.maxRetransmits;
      } else if (ch.maxPacketLifeTime !== undefined) {
        channelType = ChannelType.DATA_CHANNEL_PARTIAL_RELIABLE_TIMED;
        reliabilityParameter = ch.maxPacketLifeTime;
      }
      if (!ch.ordered) channelType |= 0x80;
      const open: DataChannelOpen = {
        type: DcepMessageType.DATA_CHANNEL_OPEN,
        channelType,
        priority: ch.priority,
        reliabilityParameter,
        label: ch.label,
        protocol: ch.protocol,
      };
      this.assoc!.send(ch.id, Ppid.DCEP, encodeDcep(open), { counted: false });
      this.wake();
    }
    if (later) queueMicrotask(() => ch.readyState === 'connecting' && ch.setState('open'));
    else ch.setState('open');
  }

  // ───────────── DataChannelHost ─────────────

  /** @internal */
  sendOnChannel(ch: DataChannel, ppid: number, data: Uint8Array): void {
    const a = this.assoc;
    if (a === undefined) throw new SctpError('invalid-state', 'no association');
    // The byte standing in for an empty message (RFC 8831 §6.6) is not the application's data.
    const opts: SendOptions = { unordered: !ch.ordered && ch.acknowledged, counted: ppid !== Ppid.STRING_EMPTY && ppid !== Ppid.BINARY_EMPTY };
    if (ch.maxRetransmits !== undefined) opts.maxRetransmits = ch.maxRetransmits;
    if (ch.maxPacketLifeTime !== undefined) opts.maxPacketLifeTime = ch.maxPacketLifeTime;
    a.send(ch.id, ppid, data, opts);
    this.wake();
  }

  /** @internal */
  closeChannel(ch: DataChannel): void {
    const a = this.assoc;
    if (a === undefined || a.state !== 'established' || !a.peerReconfig) {
      this.finish(ch);
      return;
    }
    ch.setState('closing');
    a.resetStreams([ch.id]);
    this.wake();
  }

  /** @internal */
  bufferedAmount(id: number): number {
    return this.assoc?.bufferedAmount(id) ?? 0;
  }

  /** @internal */
  setBufferedAmountLowThreshold(id: number, threshold: number): void {
    this.assoc?.setBufferedAmountLowThreshold(id, threshold);
  }

  // ───────────── AssociationHandler ─────────────

  /** @internal */
  onMessage(sid: number, ppid: number, data: Uint8Array): void {
    if (ppid === Ppid.DCEP) return this.onDcep(sid, data);
    const ch = this.channels.get(sid);
    if (ch === undefined) {
      this.channelStats.messagesDropped++;
      return;
    }
    // Data on a channel means the peer got our OPEN (RFC 8832 §6: implicit ACK).
    ch.acknowledged = true;
    switch (ppid) {
      case Ppid.STRING:
      case Ppid.STRING_PARTIAL:
        return ch.deliver(utf8.decode(data));
      case Ppid.BINARY:
      case Ppid.BINARY_PARTIAL:
        return ch.deliver(data);
      case Ppid.STRING_EMPTY:
        return ch.deliver('');
      case Ppid.BINARY_EMPTY:
        return ch.deliver(new Uint8Array(0));
      default:
        this.channelStats.messagesDropped++;
    }
  }

  private onDcep(sid: number, data: Uint8Array): void {
    let m;
    try {
      m = decodeDcep(data);
    } catch (e) {
      if (!(e instanceof SctpError)) throw e;
      this.channelStats.messagesDropped++;
      return;
    }
    if (m.type === DcepMessageType.DATA_CHANNEL_ACK) {
      const ch = this.channels.get(sid);
      if (ch) ch.acknowledged = true;
      return;
    }
    if (this.channels.has(sid)) {
      this.channelStats.messagesDropped++;
      return;
    }
    const t = m.channelType & 0x7f;
    const init: DataChannelInit = { ordered: (m.channelType & 0x80) === 0, protocol: m.protocol, priority: m.priority };
    if (t === 0x01) init.maxRetransmits = m.reliabilityParameter;
    if (t === 0x02) init.maxPacketLifeTime = m.reliabilityParameter;
    const ch = new DataChannel(this, sid, m.label, init, true);
    this.channels.set(sid, ch);
    this.assoc!.send(sid, Ppid.DCEP, encodeDcep({ type: DcepMessageType.DATA_CHANNEL_ACK }), { counted: false });
    this.wake();
    ch.readyState = 'open';
    this.emit('datachannel', ch);
    queueMicrotask(() => ch.readyState === 'open' && ch.announceOpen());
  }

  /** @internal */
  onStateChange(state: AssociationState): void {
    if (state === 'established') {
      for (const ch of this.channels.values()) if (ch.readyState === 'connecting') this.openChannel(ch, false);
    }
    this.emit('statechange', state);
  }

  /** @internal */
  onClose(reason: string): void {
    for (const ch of [...this.channels.values()]) this.finish(ch);
    this.emit('close', reason);
  }

  /** @internal */
  onBufferedAmountLow(sid: number): void {
    this.channels.get(sid)?.bufferedLow();
  }

  /** @internal */
  onIncomingStreamsReset(streams: number[]): void {
    for (const sid of streams) {
      const ch = this.channels.get(sid);
      if (ch === undefined) continue;
      this.incomingReset.add(sid);
      if (this.outgoingReset.has(sid)) this.finish(ch);
      else if (ch.readyState !== 'closing') {
        // The peer closed: close our direction too (RFC 8831 §6.7).
        ch.setState('closing');
        this.assoc!.resetStreams([sid]);
        this.wake();
      }
    }
  }

  /** @internal */
  onOutgoingStreamsReset(streams: number[]): void {
    for (const sid of streams) {
      const ch = this.channels.get(sid);
      if (ch === undefined) continue;
      this.outgoingReset.add(sid);
      if (this.incomingReset.has(sid)) this.finish(ch);
    }
  }

  private finish(ch: DataChannel): void {
    this.channels.delete(ch.id);
    this.outgoingReset.delete(ch.id);
    this.incomingReset.delete(ch.id);
    this.assoc?.forgetStream(ch.id);
    ch.setState('closed');
  }
}
