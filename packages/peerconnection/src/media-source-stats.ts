/**
 * `media-source` stats (W3C webrtc-stats, RTCVideoSourceStats / RTCAudioSourceStats): what a
 * local track's source produced. The source here is the application writing encoded frames, so
 * only what it tells us is known: for video, how many frames (writeFrame, or raw RTP packets
 * with the marker bit, which ends a frame in every video payload format), how many in the last
 * second, and the size it gave with the frame. Audio arrives encoded: no samples to measure
 * level, energy or duration from, so those members stay absent.
 */
import type { RTCStats } from './stats.js';

const WINDOW_MS = 1000;

/** Frames a local video track's source produced. */
export class MediaSourceCounters {
  /** Frames written. */
  frames = 0;
  /** Size of the last frame written with one. */
  width: number | undefined;
  height: number | undefined;
  #firstAt: number | undefined;
  /** Times of the frames of the last second, oldest first. */
  readonly #recent: number[] = [];

  /** `now`: a monotonic clock in ms. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** One frame left the source. */
  frame(width?: number, height?: number): void {
    const now = this.now();
    this.#firstAt ??= now;
    this.frames++;
    if (width !== undefined && height !== undefined) {
      this.width = width;
      this.height = height;
    }
    this.#recent.push(now);
    this.#expire(now);
  }

  /**
   * Frames of the last second; undefined during the source's first second (webrtc-stats: the
   * member does not exist then, a partial second would under-count).
   */
  framesPerSecond(): number | undefined {
    const now = this.now();
    if (this.#firstAt === undefined || now - this.#firstAt < WINDOW_MS) return undefined;
    this.#expire(now);
    return this.#recent.length;
  }

  #expire(now: number): void {
    let n = 0;
    while (n < this.#recent.length && this.#recent[n]! <= now - WINDOW_MS) n++;
    if (n > 0) this.#recent.splice(0, n);
  }
}

/** The stats id of a track's media-source object. */
export const mediaSourceId = (trackId: string): string => `SO${trackId}`;

/** A media-source stats object for a local track being sent. */
export function mediaSourceStats(track: { id: string; kind: 'audio' | 'video'; source: MediaSourceCounters }, timestamp: number): RTCStats {
  const st: RTCStats = { id: mediaSourceId(track.id), type: 'media-source', timestamp, kind: track.kind, trackIdentifier: track.id };
  if (track.kind !== 'video') return st;
  const s = track.source;
  st['frames'] = s.frames;
  const fps = s.framesPerSecond();
  if (fps !== undefined) st['framesPerSecond'] = fps;
  if (s.width !== undefined && s.height !== undefined) {
    st['width'] = s.width;
    st['height'] = s.height;
  }
  return st;
}
