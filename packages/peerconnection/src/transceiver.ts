/**
 * `RTCRtpTransceiver`, `RTCRtpSender` and `RTCRtpReceiver` (W3C WebRTC §5): the negotiation
 * side (mid, direction, currentDirection, tracks and streams). The media itself runs in the
 * {@link MediaController}, which attaches to senders and receivers after each negotiation.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Direction } from '@x/sdp';
import { domException } from './errors.js';
import { MediaStreamTrack, type MediaStream, type TrackSink } from './media-stream-track.js';
import type { RTCDtlsTransport } from './transports.js';

/** `RTCRtpTransceiverDirection`. */
export type RTCRtpTransceiverDirection = Direction | 'stopped';

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/** Throws the WebIDL TypeError for an invalid direction. */
export function checkDirection(d: unknown): asserts d is RTCRtpTransceiverDirection {
  if (typeof d !== 'string' || !(DIRECTIONS.has(d) || d === 'stopped')) {
    throw new TypeError(`'${String(d)}' is not a valid value for enumeration RTCRtpTransceiverDirection`);
  }
}

/** Sends a track: the frames or RTP packets written into it go out as SRTP with the negotiated SSRC, payload type and header extensions. */
export class RTCRtpSender {
  #track: MediaStreamTrack | null = null;
  /** @internal Where the track's media goes once negotiated (set by the media controller). */
  media: TrackSink | undefined;
  readonly #sink: TrackSink = {
    frame: (d, i) => this.media?.frame(d, i),
    rtp: (p) => this.media?.rtp(p),
  };
  /** The DTLS transport media goes over, once negotiated. */
  transport: RTCDtlsTransport | null = null;
  /** @internal Stream ids for a=msid. */
  streamIds: string[];
  /** @internal SSRC for a=ssrc. */
  readonly ssrc: number;
  /** @internal SSRC of the RTX stream (RFC 4588), announced with a=ssrc-group:FID. */
  readonly rtxSsrc: number;
  /** @internal The kind of the transceiver. */
  readonly kind: 'audio' | 'video';
  /** @internal Set by the transceiver. */
  onTrackChange: (() => void) | undefined;

  /** @internal */
  constructor(kind: 'audio' | 'video', track: MediaStreamTrack | null, streamIds: string[]) {
    this.kind = kind;
    this.track = track;
    this.rtxSsrc = randomBytes(4).readUInt32BE(0) || 2;
    this.streamIds = streamIds;
    this.ssrc = randomBytes(4).readUInt32BE(0) || 1;
  }

  /** The track sent, or null. (Assigned internally by addTrack, removeTrack, replaceTrack and stop.) */
  get track(): MediaStreamTrack | null {
    return this.#track;
  }
  set track(t: MediaStreamTrack | null) {
    this.#track?.removeSink(this.#sink);
    this.#track = t;
    t?.addSink(this.#sink);
  }

  /** Replaces the track without renegotiation (same kind): the new track's frames go out on the same SSRC. */
  async replaceTrack(track: MediaStreamTrack | null): Promise<void> {
    if (track !== null && track.kind !== this.kind) throw new TypeError(`a ${track.kind} track cannot replace a ${this.kind} one`);
    this.track = track;
  }

  /** Sets the streams of a=msid; negotiation is needed. */
  setStreams(...streams: MediaStream[]): void {
    this.streamIds = streams.map((s) => s.id);
    this.onTrackChange?.();
  }
}

/** Receives a track: its `track` is the sink of what arrives (see {@link MediaStreamTrack.onFrame}). */
export class RTCRtpReceiver {
  /** Always present; muted until media flows. */
  readonly track: MediaStreamTrack;
  /** The DTLS transport media comes over, once negotiated. */
  transport: RTCDtlsTransport | null = null;
  /** @internal */
  constructor(kind: 'audio' | 'video') {
    this.track = new MediaStreamTrack(kind, { muted: true, label: `remote ${kind}` });
    this.track.markRemote();
  }
}

/** A sender and a receiver sharing an m= section (a mid). */
export class RTCRtpTransceiver {
  /** The sender. */
  readonly sender: RTCRtpSender;
  /** The receiver. */
  readonly receiver: RTCRtpReceiver;
  /** @internal The media kind. */
  readonly kind: 'audio' | 'video';
  /** @internal Made by addTrack (may be reused for a remote offer's section). */
  readonly fromAddTrack: boolean;
  #mid: string | null = null;
  #direction: RTCRtpTransceiverDirection;
  #currentDirection: RTCRtpTransceiverDirection | null = null;
  #stopping = false;
  #stopped = false;
  /** @internal Called when a change needs negotiation. */
  onNegotiationNeeded: (() => void) | undefined;
  /** @internal Whether the receiver's track was announced in a `track` event and not yet ended. */
  receptive = false;
  /** @internal The sender was negotiated to send at least once (addTrack may not reuse it). */
  everSent = false;
  /** @internal Remote stream ids from a=msid. */
  remoteStreamIds: string[] = [];
  /** @internal The id of the msid track, stable across offers. */
  readonly trackId = randomUUID();

  /** @internal */
  constructor(kind: 'audio' | 'video', direction: RTCRtpTransceiverDirection, track: MediaStreamTrack | null, streamIds: string[], fromAddTrack: boolean) {
    this.kind = kind;
    this.#direction = direction;
    this.sender = new RTCRtpSender(kind, track, streamIds);
    this.receiver = new RTCRtpReceiver(kind);
    this.fromAddTrack = fromAddTrack;
    this.sender.onTrackChange = () => this.onNegotiationNeeded?.();
  }

  /** The mid once negotiated (set when a description with it is applied), else null. */
  get mid(): string | null {
    return this.#mid;
  }
  /** The preferred direction; changing it makes negotiation needed. */
  get direction(): RTCRtpTransceiverDirection {
    return this.#direction;
  }
  set direction(d: RTCRtpTransceiverDirection) {
    checkDirection(d);
    if (this.#stopping) throw domException('InvalidStateError', 'the transceiver is stopping or stopped');
    if (d === 'stopped') throw new TypeError("direction cannot be set to 'stopped'");
    if (d === this.#direction) return;
    this.#direction = d;
    this.onNegotiationNeeded?.();
  }
  /** The negotiated direction, null before negotiation. */
  get currentDirection(): RTCRtpTransceiverDirection | null {
    return this.#currentDirection;
  }
  /** @internal Stopping or stopped. */
  get stopping(): boolean {
    return this.#stopping;
  }
  /** @internal Stopped for good (negotiated as rejected). */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Stops the transceiver; the next negotiation rejects its m= section. */
  stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.sender.track = null;
    this.receiver.track.end();
    this.#direction = 'stopped';
    this.onNegotiationNeeded?.();
  }

  /** @internal */
  setMid(mid: string | null): void {
    this.#mid = mid;
  }
  /** @internal */
  setCurrentDirection(d: RTCRtpTransceiverDirection | null): void {
    this.#currentDirection = d;
  }
  /** @internal Negotiated as rejected, or stopped and negotiated. */
  markStopped(): void {
    this.#stopping = true;
    this.#stopped = true;
    this.#direction = 'stopped';
    this.#currentDirection = 'stopped';
    this.receiver.track.end();
  }
  /** @internal Direction written in an SDP section. */
  get sdpDirection(): Direction {
    return this.#direction === 'stopped' ? 'inactive' : this.#direction;
  }
}
