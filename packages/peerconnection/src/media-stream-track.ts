/**
 * A minimal `MediaStreamTrack` and `MediaStream` (Media Capture and Streams), enough for the
 * transceiver API: Node has neither. They carry identity and state, not media.
 */
import { randomUUID } from 'node:crypto';
import { RTCEventTarget, type EventHandler } from './event-target.js';

/** A track's lifecycle. */
export type MediaStreamTrackState = 'live' | 'ended';

/** An audio or video track (identity and state only; media plumbing is not done yet). */
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

  /** Ends the track (no `ended` event for a local stop, as in browsers). */
  stop(): void {
    this.#readyState = 'ended';
  }

  /** @internal The remote side stopped sending for good. */
  end(): void {
    if (this.#readyState === 'ended') return;
    this.#readyState = 'ended';
    this.fire('ended');
  }

  /** @internal */
  setMuted(muted: boolean): void {
    if (this.#muted === muted) return;
    this.#muted = muted;
    this.fire(muted ? 'mute' : 'unmute');
  }
}

/** A group of tracks with a stream id (the `msid` stream of RFC 8830). */
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
}
