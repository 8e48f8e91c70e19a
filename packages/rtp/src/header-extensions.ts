import { RtpError } from './errors.js';

/** `a=extmap` URIs of the header extensions this package reads and writes. */
export const RtpExtensionUri = {
  /** RFC 9143 / RFC 8843 §15: media identification (BUNDLE). */
  mid: 'urn:ietf:params:rtp-hdrext:sdes:mid',
  /** RFC 8852: RTP stream identifier. */
  rid: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  /** RFC 8852: repaired RTP stream identifier (on RTX). */
  repairedRid: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  /** WebRTC absolute send time, 6.18 fixed-point seconds. */
  absSendTime: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  /** draft-holmer-rmcat-transport-wide-cc-extensions-01 transport-wide sequence number. */
  transportWideCc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  /** RFC 6464 client-to-mixer audio level. */
  audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  /** 3GPP TS 26.114 coordination of video orientation (CVO). */
  videoOrientation: 'urn:3gpp:video-orientation',
} as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Encode an SDES-item style identifier (mid, rid, repaired-rid: RFC 8843, RFC 8852).
 * @throws RtpError `invalid-argument` when empty or longer than 255 bytes (16 for the one-byte form).
 */
export function serializeSdesIdExtension(id: string): Uint8Array {
  const bytes = encoder.encode(id);
  if (bytes.length === 0 || bytes.length > 255) throw new RtpError('invalid-argument', `identifier of ${bytes.length} bytes`);
  return bytes;
}

/**
 * Decode a mid, rid or repaired-rid value. Trailing zero octets (some senders pad) are dropped.
 * @throws RtpError `bad-payload` when empty.
 */
export function parseSdesIdExtension(value: Uint8Array): string {
  let end = value.length;
  while (end > 0 && value[end - 1] === 0) end--;
  if (end === 0) throw new RtpError('bad-payload', 'empty identifier extension');
  return decoder.decode(value.subarray(0, end));
}

/** Encode a wall-clock time in ms as abs-send-time: 24 bits, 6.18 fixed-point seconds, wrapping every 64 s. */
export function serializeAbsSendTime(timeMs: number): Uint8Array {
  const v = absSendTimeFromMs(timeMs);
  return new Uint8Array([v >> 16, (v >> 8) & 0xff, v & 0xff]);
}

/** The 24-bit abs-send-time value of a time in ms. */
export function absSendTimeFromMs(timeMs: number): number {
  // 2^18 units per second; keep 6 bits of seconds.
  return Math.round((timeMs * 262144) / 1000) & 0xffffff;
}

/**
 * Decode abs-send-time into its 24-bit value (units of 2^-18 s, wrapping at 64 s).
 * @throws RtpError `bad-payload` unless 3 bytes.
 */
export function parseAbsSendTime(value: Uint8Array): number {
  if (value.length !== 3) throw new RtpError('bad-payload', `abs-send-time of ${value.length} bytes, expected 3`);
  return (value[0]! << 16) | (value[1]! << 8) | value[2]!;
}

/** Encode the 16-bit transport-wide sequence number. */
export function serializeTransportWideSequenceNumber(seq: number): Uint8Array {
  return new Uint8Array([(seq >> 8) & 0xff, seq & 0xff]);
}

/**
 * Decode the 16-bit transport-wide sequence number.
 * @throws RtpError `bad-payload` unless 2 bytes.
 */
export function parseTransportWideSequenceNumber(value: Uint8Array): number {
  if (value.length !== 2) throw new RtpError('bad-payload', `transport-wide-cc of ${value.length} bytes, expected 2`);
  return (value[0]! << 8) | value[1]!;
}

/** RFC 6464 audio level: voice activity flag and level in −dBov (0 loudest, 127 silence). */
export interface AudioLevel {
  voiceActivity: boolean;
  /** 0–127, the level in −dBov. */
  level: number;
}

/** Encode an RFC 6464 audio level (one byte: V bit and 7-bit level). */
export function serializeAudioLevel(a: AudioLevel): Uint8Array {
  if (!(a.level >= 0 && a.level <= 127)) throw new RtpError('invalid-argument', `audio level ${a.level} out of 0–127`);
  return new Uint8Array([(a.voiceActivity ? 0x80 : 0) | a.level]);
}

/**
 * Decode an RFC 6464 audio level. The one-byte form value is one byte; some senders pad it to more.
 * @throws RtpError `bad-payload` when empty.
 */
export function parseAudioLevel(value: Uint8Array): AudioLevel {
  if (value.length < 1) throw new RtpError('bad-payload', 'empty audio level');
  const b = value[0]!;
  return { voiceActivity: (b & 0x80) !== 0, level: b & 0x7f };
}

/** Coordination of video orientation (3GPP TS 26.114 §7.4.5): `0 0 0 0 C F R1 R0`. */
export interface VideoOrientation {
  /** C: true for a back-facing camera. */
  backFacing: boolean;
  /** F: horizontal flip. */
  flip: boolean;
  /** Clockwise rotation the receiver applies before display. */
  rotation: 0 | 90 | 180 | 270;
}

/** Encode a video orientation byte. */
export function serializeVideoOrientation(o: VideoOrientation): Uint8Array {
  const r = o.rotation / 90;
  if (![0, 1, 2, 3].includes(r)) throw new RtpError('invalid-argument', `rotation ${o.rotation}`);
  return new Uint8Array([(o.backFacing ? 0x08 : 0) | (o.flip ? 0x04 : 0) | r]);
}

/**
 * Decode a video orientation byte.
 * @throws RtpError `bad-payload` when empty.
 */
export function parseVideoOrientation(value: Uint8Array): VideoOrientation {
  if (value.length < 1) throw new RtpError('bad-payload', 'empty video orientation');
  const b = value[0]!;
  return { backFacing: (b & 0x08) !== 0, flip: (b & 0x04) !== 0, rotation: ((b & 0x03) * 90) as VideoOrientation['rotation'] };
}
