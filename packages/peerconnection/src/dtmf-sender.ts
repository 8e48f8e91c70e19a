/**
 * `RTCDTMFSender` (W3C webrtc-pc §7): `sender.dtmf` of an audio sender. Tones go out as RFC 4733
 * telephone-event packets on the sender's SSRC with the negotiated payload type (the media
 * sender plays them, `media-sender.ts`); this file is the tone buffer and the playout task that
 * walks it, with the spec's validation, clamping and `tonechange` events. Receiving has no W3C
 * API: {@link RTCTelephoneEventEvent} on the remote track is this package's extension.
 */
import { dtmfEventCode } from '@x/rtp';
import { domException } from './errors.js';
import { RTCEventTarget, type EventHandler } from './event-target.js';
import type { EventInit } from './events.js';

/** Where the DTMF sender plays a tone: the sending audio stream, when telephone-event was negotiated. */
export interface DtmfPlayout {
  /** Sends `event` (RFC 4733 code) for `durationMs` from now; audio pauses meanwhile. */
  playTone(event: number, durationMs: number): void;
}

/** What an {@link RTCDTMFSender} reads of its transceiver. */
export interface DtmfSenderHost {
  /** The transceiver is stopping or stopped. */
  stopping(): boolean;
  /** The negotiated direction sends (sendrecv or sendonly). */
  sending(): boolean;
  /** The playout, present once telephone-event is negotiated for a sending stream. */
  playout(): DtmfPlayout | undefined;
}

/** Timers the playout task runs on (tests give a fake clock's). */
export interface DtmfTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const nodeTimers: DtmfTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Init of {@link RTCDTMFToneChangeEvent}. */
export interface RTCDTMFToneChangeEventInit extends EventInit {
  tone?: string;
}

/** `tonechange` (webrtc-pc §7.3): the tone that starts playing, `,` for a pause, `''` when the buffer ran out. */
export class RTCDTMFToneChangeEvent extends Event {
  /** The tone now playing; the empty string after the last one. */
  readonly tone: string;
  constructor(type: string, init?: RTCDTMFToneChangeEventInit) {
    super(type, init);
    this.tone = init?.tone === undefined ? '' : String(init.tone);
  }
}

const VALID_TONES = /^[0-9A-D#*,]*$/;
/** webrtc-pc §7.2: ms a `,` pauses the tones. */
const COMMA_PAUSE_MS = 2000;

/**
 * Sends DTMF on an audio sender (webrtc-pc §7): {@link insertDTMF} queues tones, each goes out as
 * RFC 4733 telephone-events for `duration` ms, `interToneGap` ms apart, and `tonechange` fires
 * as each starts and once more with `''` after the last.
 *
 * ```ts
 * const { sender } = pc.addTransceiver(audioTrack);
 * // once negotiated with a peer that accepts telephone-event:
 * if (sender.dtmf?.canInsertDTMF) sender.dtmf.insertDTMF('123#', 100, 70);
 * sender.dtmf!.ontonechange = (e) => console.log(e.tone || 'done');
 * ```
 */
export class RTCDTMFSender extends RTCEventTarget {
  #toneBuffer = '';
  #duration = 100;
  #interToneGap = 70;
  #task: unknown;
  #taskScheduled = false;
  readonly #host: DtmfSenderHost;
  readonly #timers: DtmfTimers;

  /** @internal Made by the transceiver for audio senders. */
  constructor(host: DtmfSenderHost, timers: DtmfTimers = nodeTimers) {
    super();
    this.#host = host;
    this.#timers = timers;
  }

  /** The tones still to play (a `,` is a 2 s pause). */
  get toneBuffer(): string {
    return this.#toneBuffer;
  }

  /**
   * Whether DTMF can be sent now (webrtc-pc §7.2 "determine if DTMF can be sent"): the transceiver
   * is not stopping, its negotiated direction sends, and the answer has telephone-event.
   */
  get canInsertDTMF(): boolean {
    return !this.#host.stopping() && this.#host.sending() && this.#host.playout() !== undefined;
  }

  get ontonechange(): EventHandler<RTCDTMFToneChangeEvent> {
    return this.getHandler('tonechange');
  }
  set ontonechange(h: EventHandler<RTCDTMFToneChangeEvent>) {
    this.setHandler('tonechange', h);
  }

  /**
   * Replaces the tone buffer with `tones` (webrtc-pc §7.2): `0`–`9`, `A`–`D` (`a`–`d` taken as
   * upper case), `#`, `*`, and `,` for a 2 s pause. `duration` is clamped to 40–6000 ms,
   * `interToneGap` raised to at least 30 ms. A playout already running goes on with the new buffer.
   * @throws DOMException InvalidStateError when DTMF cannot be sent ({@link canInsertDTMF} false),
   *   InvalidCharacterError for any other character.
   */
  insertDTMF(tones: string, duration = 100, interToneGap = 70): void {
    if (!this.canInsertDTMF) {
      throw domException('InvalidStateError', this.#host.stopping() ? 'the transceiver is stopping or stopped'
        : this.#host.sending() ? 'telephone-event was not negotiated' : 'the transceiver does not send');
    }
    const upper = String(tones).toUpperCase();
    if (!VALID_TONES.test(upper)) throw domException('InvalidCharacterError', `'${String(tones)}' has a character that is not a DTMF tone`);
    this.#toneBuffer = upper;
    // WebIDL `unsigned long`: a fraction is truncated.
    const d = Math.trunc(Number(duration));
    const g = Math.trunc(Number(interToneGap));
    this.#duration = Math.min(6000, Math.max(40, Number.isFinite(d) ? d : 100));
    this.#interToneGap = Math.max(30, Number.isFinite(g) ? g : 70);
    if (this.#toneBuffer === '' || this.#taskScheduled) return;
    this.#schedule(0);
  }

  /** @internal The transceiver stopped or the connection closed: no more tones, no more events. */
  stop(): void {
    if (this.#taskScheduled) this.#timers.clearTimeout(this.#task);
    this.#taskScheduled = false;
    this.#toneBuffer = '';
  }

  #schedule(ms: number): void {
    this.#taskScheduled = true;
    this.#task = this.#timers.setTimeout(() => this.#playout(), ms);
  }

  /** The playout task (webrtc-pc §7.2, insertDTMF step "Playout task"). */
  #playout(): void {
    this.#taskScheduled = false;
    const playout = this.#host.playout();
    if (this.#host.stopping() || !this.#host.sending() || playout === undefined) return;
    if (this.#toneBuffer === '') {
      this.dispatchEvent(new RTCDTMFToneChangeEvent('tonechange', { tone: '' }));
      return;
    }
    const tone = this.#toneBuffer[0]!;
    this.#toneBuffer = this.#toneBuffer.slice(1);
    if (tone === ',') {
      this.#schedule(COMMA_PAUSE_MS);
    } else {
      playout.playTone(dtmfEventCode(tone)!, this.#duration);
      this.#schedule(this.#duration + this.#interToneGap);
    }
    this.dispatchEvent(new RTCDTMFToneChangeEvent('tonechange', { tone }));
  }
}

/** Init of {@link RTCTelephoneEventEvent}. */
export interface RTCTelephoneEventEventInit extends EventInit {
  tone?: string;
  event?: number;
  volume?: number;
  rtpTimestamp?: number;
}

/**
 * **Extension, not in any W3C spec** (browsers have no API to receive DTMF): `telephoneevent` on a
 * remote audio track fires once per RFC 4733 event the peer sends, as its first packet arrives
 * (repeats and end packets fire nothing), so a gateway gets the digits.
 *
 * ```ts
 * pc.ontrack = ({ track }) => {
 *   track.addEventListener('telephoneevent', (e) => console.log((e as RTCTelephoneEventEvent).tone));
 * };
 * ```
 */
export class RTCTelephoneEventEvent extends Event {
  /** The DTMF tone (`0`–`9`, `*`, `#`, `A`–`D`), or `''` for an event code that is not DTMF. */
  readonly tone: string;
  /** The RFC 4733 event code (0–255). */
  readonly event: number;
  /** Its volume, −dBm0 (0–63). */
  readonly volume: number;
  /** The RTP timestamp the event started at. */
  readonly rtpTimestamp: number;
  constructor(type: string, init?: RTCTelephoneEventEventInit) {
    super(type, init);
    this.tone = init?.tone ?? '';
    this.event = init?.event ?? 0;
    this.volume = init?.volume ?? 0;
    this.rtpTimestamp = init?.rtpTimestamp ?? 0;
  }
}
