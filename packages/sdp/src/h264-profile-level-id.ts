/**
 * H.264 `profile-level-id` (RFC 6184 §8.1): three hex bytes, profile_idc, profile-iop (the
 * constraint flags) and level_idc. Two H.264 formats can only be matched when their profiles are
 * equal; the profile comes from profile_idc and the constraint flags together, as libwebrtc
 * reads them (so `42e01f` and `4d401f` are both Constrained Baseline).
 */

/** H.264 profiles WebRTC peers offer. */
export type H264Profile =
  | 'constrained-baseline'
  | 'baseline'
  | 'main'
  | 'constrained-high'
  | 'high'
  | 'predictive-high-444';

/** A parsed `profile-level-id`. */
export interface H264ProfileLevelId {
  /** Profile from profile_idc and the constraint flags. */
  profile: H264Profile;
  /** level_idc as a number (31 = level 3.1); level 1b is 9 here, as RFC 6184 writes it for High profiles. */
  levelIdc: number;
}

/**
 * libwebrtc's default when `profile-level-id` is absent: Constrained Baseline level 3.1. RFC 6184
 * says Baseline level 1.0; real peers follow libwebrtc, so this does too.
 */
export const DEFAULT_H264_PROFILE_LEVEL_ID = '42e01f';

const PATTERNS: ReadonlyArray<{ idc: number; pattern: string; profile: H264Profile }> = [
  { idc: 0x42, pattern: 'x1xx0000', profile: 'constrained-baseline' },
  { idc: 0x4d, pattern: '1xxx0000', profile: 'constrained-baseline' },
  { idc: 0x58, pattern: '11xx0000', profile: 'constrained-baseline' },
  { idc: 0x42, pattern: 'x0xx0000', profile: 'baseline' },
  { idc: 0x58, pattern: '10xx0000', profile: 'baseline' },
  { idc: 0x4d, pattern: '0x0x0000', profile: 'main' },
  { idc: 0x64, pattern: '00000000', profile: 'high' },
  { idc: 0x64, pattern: '00001100', profile: 'constrained-high' },
  { idc: 0xf4, pattern: '00000000', profile: 'predictive-high-444' },
];

function matches(pattern: string, iop: number): boolean {
  for (let bit = 0; bit < 8; bit++) {
    const want = pattern[bit];
    const has = (iop >> (7 - bit)) & 1;
    if (want === '1' && has !== 1) return false;
    if (want === '0' && has !== 0) return false;
  }
  return true;
}

/** Parses a `profile-level-id` value; `undefined` when it is not one (wrong length, unknown profile). */
export function parseH264ProfileLevelId(value: string | undefined): H264ProfileLevelId | undefined {
  const v = value ?? DEFAULT_H264_PROFILE_LEVEL_ID;
  if (!/^[0-9A-Fa-f]{6}$/.test(v)) return undefined;
  const n = parseInt(v, 16);
  const idc = n >> 16;
  const iop = (n >> 8) & 0xff;
  let levelIdc = n & 0xff;
  const p = PATTERNS.find((x) => x.idc === idc && matches(x.pattern, iop));
  if (p === undefined || levelIdc === 0) return undefined;
  // Level 1b in the Baseline/Main family is level_idc 11 with constraint_set3_flag.
  if (levelIdc === 11 && (iop & 0x10) !== 0 && (idc === 0x42 || idc === 0x4d || idc === 0x58)) levelIdc = 9;
  return { profile: p.profile, levelIdc };
}

/** Orders levels, placing 1b (9) between 1.0 (10) and 1.1 (11). */
export function h264LevelOrder(levelIdc: number): number {
  return levelIdc === 9 ? 10.5 : levelIdc;
}
