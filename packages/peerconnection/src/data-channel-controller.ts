/**
 * The peer connection's data channels: createDataChannel's validation (W3C §6.1), stream id
 * allocation by DTLS role (RFC 8832 §6: client even, server odd), binding to SCTP once the
 * association exists, and channels the peer opens in band.
 */
import { silentLogger, type Logger } from '@x/base';
import type { DataChannel, SctpTransport } from '@x/sctp';
import { DCEP_PRIORITY, RTCDataChannel, priorityFromDcep, type DataChannelOwner, type DataChannelParameters, type RTCDataChannelInit, type RTCPriorityType } from './data-channel.js';
import { domException } from './errors.js';

const MAX_ID = 65534;
const PRIORITIES: ReadonlySet<string> = new Set(['very-low', 'low', 'medium', 'high']);

/** WebIDL `[EnforceRange] unsigned short`: a TypeError outside 0..65535 or not finite. */
function unsignedShort(v: unknown, name: string): number | null {
  if (v === undefined || v === null) return null;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new TypeError(`${name} is not a finite number`);
  const t = Math.trunc(n);
  if (t < 0 || t > 65535) throw new TypeError(`${name} ${t} is outside 0..65535`);
  return t;
}

/** WebIDL `USVString`: a lone surrogate becomes U+FFFD. */
function usvString(v: unknown): string {
  return String(v).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Validates createDataChannel's arguments as the spec orders the checks (W3C §4.4.1.6). */
export function validateDataChannelInit(label: unknown, init: RTCDataChannelInit = {}): DataChannelParameters {
  const l = usvString(label);
  const protocol = init.protocol === undefined ? '' : usvString(init.protocol);
  if (byteLength(l) > 65535) throw new TypeError('label is longer than 65535 bytes');
  if (byteLength(protocol) > 65535) throw new TypeError('protocol is longer than 65535 bytes');
  const maxPacketLifeTime = unsignedShort(init.maxPacketLifeTime, 'maxPacketLifeTime');
  const maxRetransmits = unsignedShort(init.maxRetransmits, 'maxRetransmits');
  // WebIDL boolean: null and other falsy values are false, undefined takes the default.
  const negotiated = Boolean(init.negotiated);
  const id = unsignedShort(init.id, 'id');
  const priority = init.priority ?? 'low';
  if (!PRIORITIES.has(priority)) throw new TypeError(`'${String(priority)}' is not a valid value for enumeration RTCPriorityType`);
  if (negotiated && id === null) throw new TypeError('a negotiated channel needs an id');
  if (maxPacketLifeTime !== null && maxRetransmits !== null) throw new TypeError('maxPacketLifeTime and maxRetransmits are exclusive');
  if (negotiated && id === 65535) throw new TypeError('id 65535 is not a valid stream id');
  return {
    label: l,
    ordered: init.ordered === undefined ? true : Boolean(init.ordered),
    maxPacketLifeTime,
    maxRetransmits,
    protocol,
    negotiated,
    id: negotiated ? id : null,
    priority: priority as RTCPriorityType,
  };
}

/** Owns the RTCDataChannels of one peer connection. */
export class DataChannelController {
  private readonly channels = new Set<RTCDataChannel>();
  private sctp: SctpTransport | undefined;
  private role: 'client' | 'server' | undefined;
  private remoteMaxMessageSize = 65536;
  /** A channel was ever created: an m=application section is needed. */
  wanted = false;
  /** Channels opened, for stats. */
  opened = 0;
  /** Channels closed, for stats. */
  closed = 0;

  /** @param announce fires `datachannel` for a channel the peer opened. */
  constructor(
    private readonly announce: (channel: RTCDataChannel) => void,
    private readonly log: Logger = silentLogger,
  ) {}

  /** Every channel that is not closed. */
  get all(): RTCDataChannel[] {
    return [...this.channels];
  }

  /** The largest message send() accepts. */
  get maxMessageSize(): number {
    return this.remoteMaxMessageSize;
  }

  /** Sets the peer's max-message-size from the remote description. */
  setRemoteMaxMessageSize(n: number): void {
    this.remoteMaxMessageSize = n;
  }

  /** The DTLS role is known (W3C §6.1: ids are allocated then). */
  setRole(role: 'client' | 'server'): void {
    if (this.role !== undefined) return;
    this.role = role;
    for (const ch of this.channels) if (ch.id === null && ch.readyState !== 'closed') ch.assignId(this.freeId());
  }

  /** createDataChannel after validation: id checks, then the channel. */
  create(p: DataChannelParameters): RTCDataChannel {
    if (p.id !== null && this.idInUse(p.id)) throw domException('OperationError', `stream id ${p.id} is in use`);
    if (p.id === null && this.role !== undefined) p = { ...p, id: this.freeId() };
    const ch = new RTCDataChannel(p, this.owner());
    this.channels.add(ch);
    this.wanted = true;
    this.track(ch);
    if (this.sctp !== undefined) this.bind(ch);
    return ch;
  }

  /** The association exists: bind every waiting channel and listen for the peer's. */
  attach(sctp: SctpTransport): void {
    this.sctp = sctp;
    sctp.on('datachannel', (dc) => this.onRemote(dc));
    sctp.on('close', (reason) => {
      const cause = sctp.association.closeCause;
      for (const ch of [...this.channels]) ch.failTransport(`SCTP association closed: ${reason}`, cause);
    });
    for (const ch of [...this.channels]) if (ch.readyState === 'connecting') this.bind(ch);
  }

  /** The peer connection closed: every channel closed without events. */
  close(): void {
    for (const ch of this.channels) ch.closeSilently();
    this.channels.clear();
  }

  private readonly associationClosed = (): boolean => this.sctp !== undefined && this.sctp.state === 'closed';

  private owner(): DataChannelOwner {
    return {
      maxMessageSize: () => this.remoteMaxMessageSize,
      closedUnbound: (ch) => this.channels.delete(ch),
    };
  }

  private track(ch: RTCDataChannel): void {
    ch.addEventListener('open', () => {
      this.opened++;
      this.log.debug(`data channel ${JSON.stringify(ch.label)} (id ${ch.id}) open`);
    });
    ch.addEventListener('close', () => {
      this.closed++;
      this.log.debug(`data channel ${JSON.stringify(ch.label)} (id ${ch.id}) closed`);
      this.channels.delete(ch);
    });
  }

  private bind(ch: RTCDataChannel): void {
    const sctp = this.sctp!;
    let id = ch.id;
    if (id === null) {
      id = this.freeId();
      ch.assignId(id);
    }
    let dc: DataChannel;
    try {
      dc = sctp.createDataChannel(ch.label, {
        ordered: ch.ordered,
        ...(ch.maxRetransmits !== null ? { maxRetransmits: ch.maxRetransmits } : {}),
        ...(ch.maxPacketLifeTime !== null ? { maxPacketLifeTime: ch.maxPacketLifeTime } : {}),
        protocol: ch.protocol,
        negotiated: ch.negotiated,
        id,
        priority: DCEP_PRIORITY[ch.priority],
      });
    } catch (e) {
      // Two negotiated channels on one id, or the peer took it first: the channel fails.
      ch.failTransport(e instanceof Error ? e.message : String(e));
      return;
    }
    ch.bind(dc, this.associationClosed);
  }

  private onRemote(dc: DataChannel): void {
    const p: DataChannelParameters = {
      label: dc.label,
      ordered: dc.ordered,
      maxPacketLifeTime: dc.maxPacketLifeTime ?? null,
      maxRetransmits: dc.maxRetransmits ?? null,
      protocol: dc.protocol,
      negotiated: false,
      id: dc.id,
      priority: priorityFromDcep(dc.priority),
    };
    const ch = new RTCDataChannel(p, this.owner(), 'connecting');
    this.channels.add(ch);
    this.track(ch);
    ch.bind(dc, this.associationClosed);
    this.announce(ch);
  }

  private idInUse(id: number): boolean {
    for (const ch of this.channels) if (ch.id === id && ch.readyState !== 'closed') return true;
    return false;
  }

  private freeId(): number {
    for (let id = this.role === 'server' ? 1 : 0; id <= MAX_ID; id += 2) if (!this.idInUse(id)) return id;
    throw domException('OperationError', 'no free stream id');
  }
}
