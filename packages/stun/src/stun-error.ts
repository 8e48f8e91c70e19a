/**
 * The one error type of `@x/stun`. Every parser, codec, transaction and client in this package
 * throws (or rejects with) a `StunError`, never a bare `RangeError`/`TypeError`.
 */

/** What went wrong, as a string literal so callers can switch on it. */
export type StunErrorCode =
  /** Fewer bytes than the header or an attribute header needs. */
  | 'TRUNCATED'
  /** First two bits not zero, wrong magic cookie, or otherwise not a STUN message. */
  | 'NOT_STUN'
  /** Message length not a multiple of 4 or not matching the datagram. */
  | 'BAD_LENGTH'
  /** An attribute's value is malformed (wrong size, bad reserved bits, out-of-range field). */
  | 'BAD_ATTRIBUTE'
  /** An address attribute carries a family other than IPv4 (0x01) or IPv6 (0x02), or a bad address. */
  | 'BAD_ADDRESS_FAMILY'
  /** MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256 does not match. */
  | 'BAD_INTEGRITY'
  /** The message carries no integrity attribute though one is required. */
  | 'MISSING_INTEGRITY'
  /** FINGERPRINT does not match, or is not the last attribute. */
  | 'BAD_FINGERPRINT'
  /** Comprehension-required attributes this agent does not know (answer 420). */
  | 'UNKNOWN_ATTRIBUTE'
  /** A ChannelData message is malformed. */
  | 'BAD_CHANNEL_DATA'
  /** A caller passed a value that cannot be encoded. */
  | 'INVALID_ARGUMENT'
  /** A transaction got no response within its retransmission budget (RFC 8489 §6.2.1). */
  | 'TIMEOUT'
  /** The peer answered with an error response; see {@link StunError.errorCode}. */
  | 'ERROR_RESPONSE'
  /** The client, socket or allocation was closed before the operation finished. */
  | 'CLOSED'
  /** An operation is not valid in the current state (e.g. send before allocate). */
  | 'INVALID_STATE';

/** Typed error of `@x/stun`. */
export class StunError extends Error {
  /** Machine-readable reason. */
  readonly code: StunErrorCode;
  /** For `ERROR_RESPONSE`: the STUN error code (e.g. 401, 438) of the response. */
  readonly errorCode: number | undefined;
  /** For `UNKNOWN_ATTRIBUTE`: the unknown comprehension-required attribute types. */
  readonly unknownAttributes: readonly number[] | undefined;

  constructor(
    code: StunErrorCode,
    message: string,
    details?: { errorCode?: number; unknownAttributes?: readonly number[] },
  ) {
    super(message);
    this.name = 'StunError';
    this.code = code;
    this.errorCode = details?.errorCode;
    this.unknownAttributes = details?.unknownAttributes;
  }
}
