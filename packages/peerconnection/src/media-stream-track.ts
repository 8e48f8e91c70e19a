/**
 * `MediaStreamTrack` and `MediaStream` (Media Capture and Streams) for Node, which has neither.
 * Node has no camera or decoder either, so a track carries encoded media: a local track is a
 * source the application writes encoded frames or RTP packets into, a remote track (from the
 * `track` event) is a sink that hands out the RTP packets and depacketized frames that arrive.
 */
import { randomUUID } from 'node:crypto';
import { RTCEventTarget, reportListenerError, type EventHandler } from './event-target.js';
import type { RTCTelephoneEventEvent } from './dtmf-sender.js';
import type { EventInit } from './events.js';
import { MediaSourceCounters } from './media-source-stats.js';

/** A track's lifecycle. */
export type MediaStreamTrackState = 'live' | 'ended';

/** What {@link MediaStreamTrack.writeFrame} takes besides the bytes. */
export interface EncodedFrameInit {
  /** Capture time in microseconds (as WebCodecs' `EncodedVideoChunk.timestamp`); the RTP timestamp is derived from it at the codec's clock rate. */
  timestamp: number;
  /** Whether this is a keyframe (video); informational for the packetizer. */
  keyframe?: boolean;
  /** Simulcast: send on the encoding with this rid only; without it, on every active encoding. */
  rid?: string;
  /** Video: the frame's width in pixels, when known (media-source stats `width`; give it with `height`). */
  width?: number;
  /** Video: the frame's height in pixels, when known (media-source stats `height`). */
  height?: number;
  /**
   * Audio: the frame's level, linear 0..1 as webrtc-pc's `audioLevel` (1 is 0 dBov, 0 silence),
   * sent in the RFC 6464 ssrc-audio-level header extension when negotiated; left out otherwise.
   */
  audioLevel?: number;
  /** Audio: the RFC 6464 voice activity flag sent with {@link audioLevel} (default false). */
  voiceActivity?: boolean;
}

/** What {@link MediaStreamTrack.writeRtp} takes besides the packet. */
export interface RtpWriteOptions {
  /** Simulcast: send on the encoding with this rid only; without it, on every active encoding. */
  rid?: string;
}

/** An encoded frame that arrived on a remote track, depacketized and in decode order. */
export interface EncodedFrame {
  /** The encoded frame, bit-exact as the sender wrote it (an Opus packet, a VP8 frame, an H.264 access unit in Annex B). */
  data: Uint8Array;
  /** The RTP timestamp of the frame. */
  rtpTimestamp: number;
  /** Microseconds since the first frame of this track, from the RTP timestamps. */
  timestamp: number;
  /** A keyframe (always true for audio). */
  keyframe: boolean;
  /** The negotiated codec's MIME type, e.g. `video/VP8`. */
  mimeType: string;
  /** Simulcast: the rid of the layer it came on (rtp-stream-id, RFC 8852). */
  rid?: string;
}

/** @internal Where a local track's media goes: the senders it is attached to. */
export interface TrackSink {
  frame(data: Uint8Array, init: EncodedFrameInit): void;
  rtp(packet: Uint8Array, options?: RtpWriteOptions): void;
  /** The sender stops for good: an RTCP BYE for its streams (RFC 3550 §6.6). */
  bye?(): void;
}

/**
 * An audio or video track. A local track (made with `new MediaStreamTrack(kind)`) is a source:
 * {@link writeFrame} and {@link writeRtp} send through every `RTCRtpSender` it is the track of.
 * A remote track (`receiver.track`, from the `track` event) is a sink: set {@link onFrame} and/or
 * {@link onRtp}, or iterate {@link frames}. A `keyframerequest` event fires on a local video track
 * when the peer asks for a keyframe (RTCP PLI or FIR).
 *
 * ```ts
 * const track = new MediaStreamTrack('video');
 * pc.addTrack(track);
 * track.onkeyframerequest = () => encoder.forceKeyframe();
 * track.writeFrame(vp8Frame, { timestamp: 33_333, keyframe: false });
 * // the other side
 * pc.ontrack = ({ track }) => { track.onFrame = (f) => decode(f.data); };
 * ```
 */
export class MediaStreamTrack extends RTCEventTarget {
  /** `audio` or `video`. */
  readonly kind: 'audio' | 'video';
  /** Unique id. */
  readonly id: string;
  /** Label. */
  readonly label: string;
  /** When false the track sends silence or black. */
  enabled = true;
  #muted: boolean;
  #readyState: MediaStreamTrackState = 'live';
  readonly #sinks = new Set<TrackSink>();
  #remote = false;
  #waiting: Array<(r: IteratorResult<EncodedFrame>) => void> = [];
  #queued: EncodedFrame[] | undefined;
  /** Remote track: called with each depacketized frame, in decode order. */
  onFrame: ((frame: EncodedFrame) => void) | undefined;
  /** Remote track: called with each RTP packet that arrived for it (unprotected, before the jitter buffer), with the RTP timestamp. */
  onRtp: ((packet: Uint8Array) => void) | undefined;
  /** @internal Local video track: frames written, for media-source stats. */
  readonly source = new MediaSourceCounters();

  constructor(kind: 'audio' | 'video', options: { id?: string; label?: string; muted?: boolean } = {}) {
    super();
    if (kind !== 'audio' && kind !== 'video') throw new TypeError(`'${String(kind)}' is not a track kind`);
    this.kind = kind;
    this.id = options.id ?? randomUUID();
    this.label = options.label ?? '';
    this.#muted = options.muted ?? false;
  }

  /** Whether the source gives no media. */
  get muted(): boolean {
    return this.#muted;
  }
  /** live or ended. */
  get readyState(): MediaStreamTrackState {
    return this.#readyState;
  }
  get onended(): EventHandler {
    return this.getHandler('ended');
  }
  set onended(h: EventHandler) {
    this.setHandler('ended', h);
  }
  get onmute(): EventHandler {
    return this.getHandler('mute');
  }
  set onmute(h: EventHandler) {
    this.setHandler('mute', h);
  }
  get onunmute(): EventHandler {
    return this.getHandler('unmute');
  }
  set onunmute(h: EventHandler) {
    this.setHandler('unmute', h);
  }

  get onkeyframerequest(): EventHandler {
    return this.getHandler('keyframerequest');
  }
  set onkeyframerequest(h: EventHandler) {
    this.setHandler('keyframerequest', h);
  }

  /**
   * **Extension** (no W3C API receives DTMF): on a remote audio track, an RFC 4733 event the peer
   * sent began ({@link RTCTelephoneEventEvent}: `tone`, `event`, `volume`, `rtpTimestamp`).
   */
  get ontelephoneevent(): EventHandler<RTCTelephoneEventEvent> {
    return this.getHandler('telephoneevent');
  }
  set ontelephoneevent(h: EventHandler<RTCTelephoneEventEvent>) {
    this.setHandler('telephoneevent', h);
  }

  /**
   * Sends one encoded frame (Opus packet, VP8 frame, H.264 access unit in Annex B) through every
   * sender of this track, packetized for the negotiated codec. Dropped while no sender sends
   * (not negotiated, direction not sending, SRTP not keyed), as a camera's frames are.
   * @throws InvalidStateError for an ended or a remote track.
   */
  writeFrame(frame: Uint8Array, init: EncodedFrameInit): void {
    this.#checkSource();
    if (!(frame instanceof Uint8Array)) throw new TypeError('writeFrame needs a Uint8Array');
    if (typeof init?.timestamp !== 'number' || !Number.isFinite(init.timestamp)) throw new TypeError('writeFrame needs a numeric timestamp');
    for (const d of [init.width, init.height]) if (d !== undefined && !(Number.isInteger(d) && d > 0)) throw new TypeError('width and height are positive integers');
    if (this.kind === 'video') this.source.frame(init.width, init.height);
    for (const s of this.#sinks) s.frame(frame, init);
  }

  /**
   * Sends one RTP packet as it is, except for the SSRC, payload type and header extensions,
   * which become the sender's negotiated ones (sequence numbers and timestamps are kept).
   * @throws InvalidStateError for an ended or a remote track.
   */
  writeRtp(packet: Uint8Array, options?: RtpWriteOptions): void {
    this.#checkSource();
    if (!(packet instanceof Uint8Array)) throw new TypeError('writeRtp needs a Uint8Array');
    // The marker bit ends a frame in every video payload format (VP8, VP9, H.264, AV1).
    if (this.kind === 'video' && packet.length >= 12 && (packet[1]! & 0x80) !== 0) this.source.frame();
    for (const s of this.#sinks) s.rtp(packet, options);
  }

  /**
   * Remote track: the frames that arrive from now on, as an async iterator (ends when the track
   * ends). Frames that arrive while nobody awaits are queued.
   */
  frames(): AsyncIterableIterator<EncodedFrame> {
    this.#queued ??= [];
    const it: AsyncIterableIterator<EncodedFrame> = {
      next: () => {
        const f = this.#queued!.shift();
        if (f !== undefined) return Promise.resolve({ value: f, done: false });
        if (this.#readyState === 'ended') return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.#waiting.push(resolve));
      },
      return: () => {
        this.#queued = undefined;
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }

  /** Ends the track (no `ended` event for a local stop, as in browsers). */
  stop(): void {
    this.#readyState = 'ended';
    this.#finishIterators();
  }

  /** @internal The remote side stopped sending for good. */
  end(): void {
    if (this.#readyState === 'ended') return;
    this.#readyState = 'ended';
    this.#finishIterators();
    this.fire('ended');
  }

  /** @internal A receiver's track. */
  markRemote(): void {
    this.#remote = true;
  }
  /** @internal */
  addSink(s: TrackSink): void {
    this.#sinks.add(s);
  }
  /** @internal */
  removeSink(s: TrackSink): void {
    this.#sinks.delete(s);
  }
  /** @internal A frame arrived for this remote track. */
  deliverFrame(f: EncodedFrame): void {
    try {
      this.onFrame?.(f);
    } catch (e) {
      reportListenerError(e, 'frame');
    }
    const w = this.#waiting.shift();
    if (w !== undefined) w({ value: f, done: false });
    else this.#queued?.push(f);
  }
  /** @internal An RTP packet arrived for this remote track. */
  deliverRtp(p: Uint8Array): void {
    try {
      this.onRtp?.(p);
    } catch (e) {
      reportListenerError(e, 'rtp');
    }
  }
  /** @internal The peer asked for a keyframe. */
  requestKeyframe(): void {
    this.fire('keyframerequest');
  }

  #checkSource(): void {
    if (this.#remote) throw new DOMException('a remote track is not a source', 'InvalidStateError');
    if (this.#readyState === 'ended') throw new DOMException('the track has ended', 'InvalidStateError');
  }

  #finishIterators(): void {
    for (const w of this.#waiting.splice(0)) w({ value: undefined, done: true });
  }

  /** @internal */
  setMuted(muted: boolean): void {
    if (this.#muted === muted) return;
    this.#muted = muted;
    this.fire(muted ? 'mute' : 'unmute');
  }
}

/** A group of tracks with a stream id (the `msid` stream of RFC 8830). */
/** What {@link MediaStreamTrackEvent} takes. */
export interface MediaStreamTrackEventInit extends EventInit {
  track: MediaStreamTrack;
}

/** `addtrack` and `removetrack` at a {@link MediaStream} (Media Capture and Streams §4.5). */
export class MediaStreamTrackEvent extends Event {
  /** The track added or removed. */
  readonly track: MediaStreamTrack;
  constructor(type: string, init: MediaStreamTrackEventInit) {
    if (arguments.length < 2 || init === null || typeof init !== 'object') throw new TypeError('MediaStreamTrackEvent needs an init dictionary with a track');
    if (!(init.track instanceof MediaStreamTrack)) throw new TypeError("MediaStreamTrackEvent: 'track' is not a MediaStreamTrack");
    super(type, init);
    this.track = init.track;
  }
}

export class MediaStream extends RTCEventTarget {
  /** The stream id. */
  readonly id: string;
  readonly #tracks = new Set<MediaStreamTrack>();

  constructor(tracksOrId?: MediaStreamTrack[] | string) {
    super();
    this.id = typeof tracksOrId === 'string' ? tracksOrId : randomUUID();
    if (Array.isArray(tracksOrId)) for (const t of tracksOrId) this.#tracks.add(t);
  }

  /** Every track. */
  getTracks(): MediaStreamTrack[] {
    return [...this.#tracks];
  }
  /** Audio tracks. */
  getAudioTracks(): MediaStreamTrack[] {
    return this.getTracks().filter((t) => t.kind === 'audio');
  }
  /** Video tracks. */
  getVideoTracks(): MediaStreamTrack[] {
    return this.getTracks().filter((t) => t.kind === 'video');
  }
  /** Adds a track. */
  addTrack(track: MediaStreamTrack): void {
    this.#tracks.add(track);
  }
  /** Removes a track. */
  removeTrack(track: MediaStreamTrack): void {
    this.#tracks.delete(track);
  }

  /** `addtrack` handler: the connection added a remote track to this stream. */
  get onaddtrack(): EventHandler<MediaStreamTrackEvent> {
    return this.getHandler('addtrack');
  }
  set onaddtrack(h: EventHandler<MediaStreamTrackEvent>) {
    this.setHandler('addtrack', h);
  }
  /** `removetrack` handler: the connection removed a remote track from this stream. */
  get onremovetrack(): EventHandler<MediaStreamTrackEvent> {
    return this.getHandler('removetrack');
  }
  set onremovetrack(h: EventHandler<MediaStreamTrackEvent>) {
    this.setHandler('removetrack', h);
  }

  /**
   * @internal The user agent adds a track (Media Capture and Streams "add a track"): unlike
   * addTrack(), an `addtrack` event follows.
   */
  addTrackByAgent(track: MediaStreamTrack): void {
    if (this.#tracks.has(track)) return;
    this.#tracks.add(track);
    this.dispatchEvent(new MediaStreamTrackEvent('addtrack', { track }));
  }
  /** @internal The user agent removes a track ("remove a track"): a `removetrack` event follows. */
  removeTrackByAgent(track: MediaStreamTrack): void {
    if (!this.#tracks.delete(track)) return;
    this.dispatchEvent(new MediaStreamTrackEvent('removetrack', { track }));
  }
}
