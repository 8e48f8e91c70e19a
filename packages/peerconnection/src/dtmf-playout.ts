/**
 * The RTP side of `RTCDTMFSender`: a tone becomes RFC 4733 telephone-event packets on the audio
 * sender's SSRC and sequence space with the negotiated telephone-event payload type (`@x/rtp`'s
 * {@link TelephoneEventSender} paces them; the media controller's timer polls), and the audio
 * written meanwhile is not sent, as libwebrtc pauses audio for an event.
 */
import { TelephoneEventSender } from '@x/rtp';
import type { Codec, MediaSection } from '@x/sdp';
import type { DtmfPlayout } from './dtmf-sender.js';

/** What the playout needs of the audio sender it rides on. */
export interface TelephoneEventMedia {
  /** Monotonic ms. */
  now(): number;
  /** The audio codec's clock rate: the RTP timestamps the events share. */
  readonly audioClockRate: number;
  /** Sending per the negotiated direction. */
  readonly active: boolean;
  /** The RTP timestamp of an audio frame written with timestamp 0 (the stream's random offset). */
  readonly rtpTimestampBase: number;
  /** Sends a packet of another payload type on the stream's SSRC and sequence numbers. */
  sendPayload(payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array): void;
}

/**
 * The telephone-event format to send with (libwebrtc's choice): the one at the audio codec's
 * clock rate (48 kHz beside Opus), else 8 kHz, else any; undefined when none was negotiated.
 */
export function telephoneEventCodec(section: Pick<MediaSection, 'codecs'>, audioClockRate: number): Codec | undefined {
  const events = section.codecs.filter((c) => c.name.toLowerCase() === 'telephone-event');
  return events.find((c) => c.clockRate === audioClockRate) ?? events.find((c) => c.clockRate === 8000) ?? events[0];
}

/** One audio sender's DTMF: plays tones as telephone-events and pauses its audio meanwhile. */
export class TelephoneEventPlayout implements DtmfPlayout {
  readonly #events: TelephoneEventSender;
  #pauseUntil = -Infinity;
  #lastAudio: { rtpTimestamp: number; at: number } | undefined;
  /** Where the last event ended on the RTP clock: the next may not start before (RFC 4733 events do not overlap). */
  #lastEnd: number | undefined;

  constructor(readonly payloadType: number, readonly clockRate: number, private readonly media: TelephoneEventMedia) {
    this.#events = new TelephoneEventSender({ clockRate });
  }

  /** Starts an event now (its first packet leaves at once); the audio pauses for its duration. */
  playTone(event: number, durationMs: number): void {
    if (!this.media.active) return;
    const now = this.media.now();
    const timestamp = this.#rtpTimestamp(now);
    this.#events.start(event, durationMs, timestamp, now);
    this.#lastEnd = (timestamp + Math.round((durationMs * this.media.audioClockRate) / 1000)) >>> 0;
    this.#pauseUntil = now + durationMs;
    this.poll();
  }

  /** An audio frame with this RTP timestamp is about to be sent: false while a tone plays (the frame is not sent). */
  audioFrame(rtpTimestamp: number, now: number): boolean {
    this.#lastAudio = { rtpTimestamp, at: now };
    return now >= this.#pauseUntil;
  }

  /** Sends the event packets that are due. */
  poll(): void {
    if (!this.#events.active) return;
    for (const p of this.#events.poll(this.media.now())) {
      if (this.media.active) this.media.sendPayload(this.payloadType, p.marker, p.timestamp, p.payload);
    }
  }

  /**
   * The audio's RTP timestamp now: the last frame's, advanced by the time since it was written
   * (the application's frames carry their own timestamps; between them, the clock stands in),
   * and never before the end of the previous event: the application's timeline may run slower
   * than the clock, and a receiver takes an event that starts earlier for a late old one.
   */
  #rtpTimestamp(now: number): number {
    const last = this.#lastAudio;
    const t = last === undefined ? this.media.rtpTimestampBase : (last.rtpTimestamp + Math.round(((now - last.at) * this.media.audioClockRate) / 1000)) >>> 0;
    return this.#lastEnd !== undefined && ((t - this.#lastEnd) | 0) < 0 ? this.#lastEnd : t;
  }
}
