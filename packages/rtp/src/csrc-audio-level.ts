/**
 * RFC 6465 mixer-to-client audio levels: one byte per CSRC of the packet, in CSRC order, each the
 * level in −dBov (0–127, 127 silence) with the top bit reserved. The one-byte form may pad the
 * value; levels past the packet's CSRC count are ignored by the reader.
 */
import { RtpError } from './errors.js';

/** The extension URI of RFC 6465 §4. */
export const CSRC_AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:csrc-audio-level';

/**
 * The levels of an RFC 6465 extension value, −dBov each, for at most `csrcCount` CSRCs.
 * @throws RtpError `bad-payload` when empty.
 */
export function parseCsrcAudioLevels(value: Uint8Array, csrcCount = 15): number[] {
  if (value.length < 1) throw new RtpError('bad-payload', 'empty csrc audio levels');
  const n = Math.min(value.length, csrcCount, 15);
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = value[i]! & 0x7f;
  return out;
}

/**
 * An RFC 6465 extension value from levels in −dBov (0–127), one per CSRC (at most 15).
 * @throws RtpError `invalid-argument` for a level out of range, none, or more than 15.
 */
export function serializeCsrcAudioLevels(levels: readonly number[]): Uint8Array {
  if (levels.length < 1 || levels.length > 15) throw new RtpError('invalid-argument', `${levels.length} csrc audio levels, expected 1–15`);
  for (const l of levels) if (!Number.isInteger(l) || l < 0 || l > 127) throw new RtpError('invalid-argument', `audio level ${l} out of 0–127`);
  return Uint8Array.from(levels);
}

/**
 * An RFC 6464/6465 level in −dBov as the linear 0..1 value of W3C webrtc-pc §5.3
 * (`RTCRtpContributingSource.audioLevel`): 10^(−level/20), and 127 (silence) is 0.
 */
export function audioLevelToLinear(level: number): number {
  return level >= 127 ? 0 : 10 ** (-level / 20);
}

/** A linear 0..1 audio level as −dBov for RFC 6464/6465 (0 and below: 127, silence), rounded to the nearest dB. */
export function linearToAudioLevel(linear: number): number {
  if (!(linear > 0)) return 127;
  return Math.max(0, Math.min(127, Math.round(-20 * Math.log10(Math.min(1, linear)))));
}
