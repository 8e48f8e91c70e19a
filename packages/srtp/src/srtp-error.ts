/**
 * Why an SRTP or SRTCP operation refused a packet or a parameter.
 *
 * - `too-short`: shorter than its header plus the authentication tag (and SRTCP index).
 * - `malformed`: not RTP/RTCP version 2, or a CSRC list / header extension runs past the end.
 * - `auth-failed`: the authentication tag (HMAC-SHA1 or GCM tag) does not verify.
 * - `replayed`: the packet index was already received (RFC 3711 §3.3.2).
 * - `too-old`: the packet index is behind the replay window.
 * - `unknown-profile`: a protection profile this package does not implement.
 * - `bad-key-length`: a master key, master salt or keying material of the wrong size.
 * - `buffer-too-small`: the output buffer given cannot hold the result.
 * - `key-exhausted`: the SRTP index (2^48) or SRTCP index (2^31) ran out; rekey (RFC 3711 §9.2).
 * - `bad-parameter`: a setting out of range (e.g. a replay window under 64).
 */
export type SrtpErrorCode =
  | 'too-short'
  | 'malformed'
  | 'auth-failed'
  | 'replayed'
  | 'too-old'
  | 'unknown-profile'
  | 'bad-key-length'
  | 'buffer-too-small'
  | 'key-exhausted'
  | 'bad-parameter';

/** The one error `@x/srtp` throws. */
export class SrtpError extends Error {
  /** What went wrong, as a stable code to branch on and count. */
  readonly code: SrtpErrorCode;

  constructor(code: SrtpErrorCode, message?: string) {
    super(message ?? code);
    this.name = 'SrtpError';
    this.code = code;
  }
}
