/** The event classes of W3C WebRTC 1.0 that carry something beyond `Event`. */
import type { RTCError } from './errors.js';
import type { RTCIceCandidate } from './ice-candidate.js';

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
    super(type, init);
    this.candidate = init.candidate ?? null;
    this.url = init.url ?? null;
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
    super(type, init);
    this.address = init.address ?? null;
    this.port = init.port ?? null;
    this.url = init.url ?? '';
    this.errorCode = init.errorCode;
    this.errorText = init.errorText ?? '';
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
    super(type, init);
    if (init === undefined || init.channel === undefined) throw new TypeError('RTCDataChannelEvent needs a channel');
    this.channel = init.channel;
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
    super(type, init);
    this.error = init.error;
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
    super(type, init);
    this.receiver = init.receiver;
    this.track = init.track;
    this.streams = Object.freeze([...(init.streams ?? [])]);
    this.transceiver = init.transceiver;
  }
}
