/**
 * RFC 4733 telephone-events (DTMF digits as RTP, `telephone-event/8000` or `/48000`): the
 * 4-byte payload, a sans-IO sender that paces one event's packets, and a receiver that reports
 * each event once however many of its packets (updates, the repeated end packet) arrive.
 */
import { RtpError } from './errors.js';

/** One RFC 4733 §2.3 event payload. */
export interface TelephoneEvent {
  /** Event code 0–255; DTMF 0–9 are the digits, 10 `*`, 11 `#`, 12–15 `A`–`D` (RFC 4733 §3.2). */
  event: number;
  /** E bit: the last packet(s) of the event. */
  end: boolean;
  /** Power level in −dBm0, 0–63 (larger is quieter). */
  volume: number;
  /** Duration so far in timestamp units (samples at the payload's clock rate), 0–65535. */
  duration: number;
}

/** The DTMF tones of RFC 4733 §3.2 in event-code order: `'0123456789*#ABCD'[code]`. */
export const DTMF_TONES = '0123456789*#ABCD';

/** The RFC 4733 event code of a DTMF tone (`0`–`9`, `*`, `#`, `A`–`D`, case-insensitive), else undefined. */
export function dtmfEventCode(tone: string): number | undefined {
  if (tone.length !== 1) return undefined;
  const i = DTMF_TONES.indexOf(tone.toUpperCase());
  return i < 0 ? undefined : i;
}

/** The DTMF tone of an event code 0–15, else undefined (other codes are not DTMF). */
export function dtmfTone(event: number): string | undefined {
  return Number.isInteger(event) && event >= 0 && event < 16 ? DTMF_TONES[event] : undefined;
}

/**
 * Reads the first event of a telephone-event payload (a payload may stack more, RFC 4733 §2.5.1.5;
 * the first is the current one).
 * @throws RtpError `truncated` when shorter than 4 bytes.
 */
export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent {
  if (payload.length < 4) throw new RtpError('truncated', `telephone-event payload of ${payload.length} bytes, needs 4`);
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  };
}

/**
 * Writes a telephone-event payload (the R bit zero).
 * @throws RtpError `invalid-argument` for an event, volume or duration out of range.
 */
export function serializeTelephoneEvent(e: TelephoneEvent): Uint8Array {
  const int = (v: number, max: number): boolean => Number.isInteger(v) && v >= 0 && v <= max;
  if (!int(e.event, 255)) throw new RtpError('invalid-argument', `telephone-event code ${e.event} out of 0–255`);
  if (!int(e.volume, 63)) throw new RtpError('invalid-argument', `telephone-event volume ${e.volume} out of 0–63`);
  if (!int(e.duration, 0xffff)) throw new RtpError('invalid-argument', `telephone-event duration ${e.duration} out of 0–65535`);
  return new Uint8Array([e.event, (e.end ? 0x80 : 0) | e.volume, e.duration >> 8, e.duration & 0xff]);
}

/** A packet of an event, to be sent with the stream's SSRC and next sequence number. */
export interface TelephoneEventPacket {
  payload: Uint8Array;
  /** The first packet of the event (RFC 4733 §2.5.1.3). */
  marker: boolean;
  /** The event's (segment's) start: the same in all its packets. */
  timestamp: number;
  /** The decoded payload, for the caller's bookkeeping. */
  value: TelephoneEvent;
}

/** How {@link TelephoneEventSender} sends. */
export interface TelephoneEventSenderOptions {
  /** The negotiated telephone-event clock rate (8000, or 48000 to match Opus). */
  clockRate: number;
  /** Time between the packets of one event, ms (RFC 4733 §2.5.1.2 suggests 50). Default 50. */
  intervalMs?: number;
  /** Volume field, −dBm0. Default 10, as libwebrtc. */
  volume?: number;
}

/**
 * Sends one event at a time (sans-IO): {@link start} it, then {@link poll} at or after
 * {@link nextDeadline}. Packet k leaves at start + k × interval and reports the duration up to
 * the end of its interval; the packet that reaches the event's duration has the E bit and is
 * given three times (RFC 4733 §2.5.1.4). Only the first packet has the marker; every packet has
 * the event's start timestamp. A duration past 65535 units (1.36 s at 48 kHz) continues in a new
 * segment starting where the last one stopped (RFC 4733 §2.5.2.3, as libwebrtc does).
 */
export class TelephoneEventSender {
  readonly #clockRate: number;
  readonly #intervalMs: number;
  readonly #volume: number;
  #current: SendingEvent | undefined;

  constructor(options: TelephoneEventSenderOptions) {
    if (!(options.clockRate > 0)) throw new RtpError('invalid-argument', `clock rate ${options.clockRate}`);
    this.#clockRate = options.clockRate;
    this.#intervalMs = options.intervalMs ?? 50;
    this.#volume = options.volume ?? 10;
    if (!(this.#intervalMs > 0)) throw new RtpError('invalid-argument', `interval ${this.#intervalMs} ms`);
  }

  /** Whether an event is being sent. */
  get active(): boolean {
    return this.#current !== undefined;
  }

  /** When {@link poll} has the next packet (ms), or undefined when idle. */
  get nextDeadline(): number | undefined {
    const c = this.#current;
    return c === undefined ? undefined : c.startMs + c.k * this.#intervalMs;
  }

  /**
   * Starts an event of `durationMs` at `nowMs` whose packets carry `rtpTimestamp`; an event still
   * being sent is replaced (its end packets are not sent).
   * @throws RtpError `invalid-argument` for an event code or duration out of range.
   */
  start(event: number, durationMs: number, rtpTimestamp: number, nowMs: number): void {
    if (!Number.isInteger(event) || event < 0 || event > 255) throw new RtpError('invalid-argument', `telephone-event code ${event}`);
    if (!(durationMs > 0)) throw new RtpError('invalid-argument', `duration ${durationMs} ms`);
    this.#current = { event, durationMs, startMs: nowMs, timestamp: rtpTimestamp >>> 0, segmentStart: 0, k: 0, marker: true };
  }

  /** Stops sending without end packets. */
  cancel(): void {
    this.#current = undefined;
  }

  /** The packets due by `nowMs` (none when idle or not yet due). */
  poll(nowMs: number): TelephoneEventPacket[] {
    const out: TelephoneEventPacket[] = [];
    for (let c = this.#current; c !== undefined && c.startMs + c.k * this.#intervalMs <= nowMs; c = this.#current) {
      const elapsedMs = Math.min((c.k + 1) * this.#intervalMs, c.durationMs);
      const end = elapsedMs >= c.durationMs;
      let units = Math.round((elapsedMs * this.#clockRate) / 1000);
      // A segment's duration field is 16 bits: close it at 0xffff and go on from there.
      while (units - c.segmentStart > 0xffff) {
        out.push(this.#packet(c, 0xffff, false));
        c.segmentStart += 0xffff;
        c.timestamp = (c.timestamp + 0xffff) >>> 0;
      }
      units -= c.segmentStart;
      if (end) {
        for (let i = 0; i < 3; i++) out.push(this.#packet(c, units, true));
        this.#current = undefined;
      } else {
        out.push(this.#packet(c, units, false));
        c.k++;
      }
    }
    return out;
  }

  #packet(c: SendingEvent, duration: number, end: boolean): TelephoneEventPacket {
    const value: TelephoneEvent = { event: c.event, end, volume: this.#volume, duration };
    // The marker goes on the event's first packet only, not on later segments nor end repeats.
    const marker = c.marker;
    c.marker = false;
    return { payload: serializeTelephoneEvent(value), marker, timestamp: c.timestamp, value };
  }
}

interface SendingEvent {
  event: number;
  durationMs: number;
  startMs: number;
  timestamp: number;
  /** Units before the current segment's start. */
  segmentStart: number;
  /** Index of the next packet (interval count). */
  k: number;
  marker: boolean;
}

/** What {@link TelephoneEventReceiver} reports about an arriving packet. */
export interface TelephoneEventNotice {
  /** The event's first packet to arrive (any of them: the marked one may be lost). */
  began: boolean;
  /** The first end packet to arrive. */
  ended: boolean;
  /** The event's start timestamp (of its first segment). */
  timestamp: number;
  /** The packet's payload. */
  value: TelephoneEvent;
  /** Total duration so far in timestamp units, across segments. */
  duration: number;
}

/**
 * Tells apart new events from updates and repeats (sans-IO): an event is known by its start
 * timestamp; a later segment of a long event (same code, the next timestamp, no marker) is the
 * same event. Repeated end packets and packets of an event that already ended report nothing.
 */
export class TelephoneEventReceiver {
  #last: { event: number; timestamp: number; segmentTimestamp: number; segmentBase: number; ended: boolean; duration: number } | undefined;

  /**
   * One telephone-event packet: its RTP timestamp, marker and payload.
   * @throws RtpError for a payload that does not parse (nothing is changed then).
   */
  receive(timestamp: number, marker: boolean, payload: Uint8Array): TelephoneEventNotice | undefined {
    const value = parseTelephoneEvent(payload);
    timestamp >>>= 0;
    const last = this.#last;
    if (last !== undefined && timestamp === last.segmentTimestamp && value.event === last.event) {
      if (last.ended) return undefined;
      last.duration = last.segmentBase + value.duration;
      last.ended = value.end;
      return value.end ? { began: false, ended: true, timestamp: last.timestamp, value, duration: last.duration } : undefined;
    }
    // The next segment of a long event: it starts where the previous one's 16-bit duration stopped.
    if (last !== undefined && !marker && !last.ended && value.event === last.event && timestamp === ((last.segmentTimestamp + 0xffff) >>> 0)) {
      last.segmentBase += 0xffff;
      last.segmentTimestamp = timestamp;
      last.duration = last.segmentBase + value.duration;
      last.ended = value.end;
      return value.end ? { began: false, ended: true, timestamp: last.timestamp, value, duration: last.duration } : undefined;
    }
    // An old event's late packet (its timestamp is before the current one's) is not a new event.
    if (last !== undefined && ((timestamp - last.segmentTimestamp) | 0) < 0) return undefined;
    this.#last = { event: value.event, timestamp, segmentTimestamp: timestamp, segmentBase: 0, ended: value.end, duration: value.duration };
    return { began: true, ended: value.end, timestamp, value, duration: value.duration };
  }
}
