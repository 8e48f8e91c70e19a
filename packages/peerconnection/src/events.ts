/**
 * The event classes of W3C WebRTC 1.0 that carry something beyond `Event`. Their constructors
 * convert the init dictionary as WebIDL does: a missing required member, or a value that is not
 * of the member's interface (a null channel, a plain object for a candidate), is a TypeError.
 */
import { RTCDataChannel } from './data-channel.js';
import { RTCError } from './errors.js';
import { RTCIceCandidate } from './ice-candidate.js';
import { MediaStream, MediaStreamTrack } from './media-stream-track.js';
import { RTCRtpReceiver, RTCRtpTransceiver } from './transceiver.js';

/** WebIDL: the init dictionary may be left out only when no member is required. */
function dictionary<T>(init: T | undefined | null, event: string): Partial<T> {
  if (init === undefined || init === null) return {};
  if (typeof init !== 'object' && typeof init !== 'function') throw new TypeError(`${event}: the init is not a dictionary`);
  return init;
}

/** WebIDL conversion of a required member of interface type: present and an instance. */
function required<V>(value: unknown, Interface: abstract new (...args: never[]) => unknown, event: string, member: string): V {
  if (value === undefined) throw new TypeError(`${event}: required member '${member}' is missing`);
  if (!(value instanceof Interface)) throw new TypeError(`${event}: '${member}' is not of type ${Interface.name}`);
  return value as V;
}

/** DOM `EventInit` (not in the ES lib Node's types build on). */
export interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}

/** Init of {@link RTCPeerConnectionIceEvent}. */
export interface RTCPeerConnectionIceEventInit extends EventInit {
  /** The candidate, or null for the end of gathering. */
  candidate?: RTCIceCandidate | null;
  /** STUN or TURN server URL the candidate came from, or null. */
  url?: string | null;
}

/** The `icecandidate` event: a new local candidate, or `null` once gathering is complete. */
export class RTCPeerConnectionIceEvent extends Event {
  /** The candidate; null at the end of gathering. */
  readonly candidate: RTCIceCandidate | null;
  /** The STUN/TURN URL that produced the candidate (null for host candidates). */
  readonly url: string | null;
  constructor(type: string, init: RTCPeerConnectionIceEventInit = {}) {
    if (arguments.length === 0) throw new TypeError('RTCPeerConnectionIceEvent: the event type is required');
    const d = dictionary(init, 'RTCPeerConnectionIceEvent');
    super(type, d);
    const candidate = d.candidate ?? null;
    if (candidate !== null && !(candidate instanceof RTCIceCandidate)) throw new TypeError("RTCPeerConnectionIceEvent: 'candidate' is not of type RTCIceCandidate");
    this.candidate = candidate;
    this.url = d.url === undefined || d.url === null ? null : String(d.url);
  }
}

/** Init of {@link RTCPeerConnectionIceErrorEvent}. */
export interface RTCPeerConnectionIceErrorEventInit extends EventInit {
  address?: string | null;
  port?: number | null;
  url?: string;
  errorCode: number;
  errorText?: string;
}

/**
 * The `icecandidateerror` event (W3C §4.8.3): a STUN or TURN server answered gathering with an
 * error (its STUN error code, e.g. 401) or could not be reached (701).
 */
export class RTCPeerConnectionIceErrorEvent extends Event {
  /** The local address used towards the server, or null. */
  readonly address: string | null;
  /** The local port used towards the server, or null. */
  readonly port: number | null;
  /** The server's URL. */
  readonly url: string;
  /** The STUN error code, or 701 when the server could not be reached. */
  readonly errorCode: number;
  /** The server's reason phrase, or what went wrong. */
  readonly errorText: string;
  constructor(type: string, init: RTCPeerConnectionIceErrorEventInit) {
    if (arguments.length === 0) throw new TypeError('RTCPeerConnectionIceErrorEvent: the event type is required');
    const d = dictionary(init, 'RTCPeerConnectionIceErrorEvent');
    if (d.errorCode === undefined) throw new TypeError("RTCPeerConnectionIceErrorEvent: required member 'errorCode' is missing");
    super(type, d);
    this.address = d.address ?? null;
    this.port = d.port ?? null;
    this.url = d.url ?? '';
    this.errorCode = d.errorCode;
    this.errorText = d.errorText ?? '';
  }
}

/** Init of {@link RTCDataChannelEvent}. */
export interface RTCDataChannelEventInit<C> extends EventInit {
  /** The channel the peer opened. */
  channel: C;
}

/** The `datachannel` event: the peer opened a channel in band. */
export class RTCDataChannelEvent<C = unknown> extends Event {
  /** The new channel. */
  readonly channel: C;
  constructor(type: string, init: RTCDataChannelEventInit<C>) {
    if (arguments.length === 0) throw new TypeError('RTCDataChannelEvent: the event type is required');
    const d = dictionary(init, 'RTCDataChannelEvent');
    const channel = required<C>(d.channel, RTCDataChannel, 'RTCDataChannelEvent', 'channel');
    super(type, d);
    this.channel = channel;
  }
}

/** Init of {@link RTCErrorEvent}. */
export interface RTCErrorEventInit extends EventInit {
  /** The error. */
  error: RTCError;
}

/** The `error` event of a data channel (W3C §11.2). */
export class RTCErrorEvent extends Event {
  /** What went wrong. */
  readonly error: RTCError;
  constructor(type: string, init: RTCErrorEventInit) {
    if (arguments.length === 0) throw new TypeError('RTCErrorEvent: the event type is required');
    const d = dictionary(init, 'RTCErrorEvent');
    const error = required<RTCError>(d.error, RTCError, 'RTCErrorEvent', 'error');
    super(type, d);
    this.error = error;
  }
}

/** Init of {@link RTCTrackEvent}. */
export interface RTCTrackEventInit<R, T, K, S> extends EventInit {
  receiver: R;
  track: K;
  streams?: S[];
  transceiver: T;
}

/** The `track` event: a remote description made a receiver start receiving. */
export class RTCTrackEvent<R = unknown, T = unknown, K = unknown, S = unknown> extends Event {
  /** The receiver. */
  readonly receiver: R;
  /** The receiver's track. */
  readonly track: K;
  /** The remote streams the track belongs to. */
  readonly streams: readonly S[];
  /** The transceiver of the receiver. */
  readonly transceiver: T;
  constructor(type: string, init: RTCTrackEventInit<R, T, K, S>) {
    if (arguments.length === 0) throw new TypeError('RTCTrackEvent: the event type is required');
    const d = dictionary(init, 'RTCTrackEvent');
    const receiver = required<R>(d.receiver, RTCRtpReceiver, 'RTCTrackEvent', 'receiver');
    const track = required<K>(d.track, MediaStreamTrack, 'RTCTrackEvent', 'track');
    const transceiver = required<T>(d.transceiver, RTCRtpTransceiver, 'RTCTrackEvent', 'transceiver');
    const streams = d.streams === undefined ? [] : [...d.streams];
    if (streams.some((s) => !(s instanceof MediaStream))) throw new TypeError("RTCTrackEvent: 'streams' holds something that is not a MediaStream");
    super(type, d);
    this.receiver = receiver;
    this.track = track;
    this.streams = Object.freeze(streams);
    this.transceiver = transceiver;
  }
}
