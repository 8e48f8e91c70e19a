/** What went wrong, in a word a caller can switch on. */
export type SctpErrorCode =
  /** Fewer bytes than the structure needs. */
  | 'truncated'
  /** A length field that is too small, too large or runs past its container. */
  | 'invalid-length'
  /** The CRC32c of the packet does not match (RFC 9260 §6.8). */
  | 'bad-checksum'
  /** A chunk whose fields make no sense (e.g. a DATA chunk with no user data). */
  | 'invalid-chunk'
  /** An INIT, RE-CONFIG or DCEP parameter that is malformed. */
  | 'invalid-parameter'
  /** A DCEP message that is malformed or of an unknown type. */
  | 'invalid-message'
  /** The operation is not allowed in the current state. */
  | 'invalid-state'
  /** A message larger than the negotiated max-message-size (RFC 8841); it is refused, never cut. */
  | 'message-too-large'
  /** A bad argument to a public method (stream id out of range, …). */
  | 'invalid-argument'
  /** The association was aborted or failed. */
  | 'association-aborted';

/** The one error type of `@x/sctp`: parsers and the association throw nothing else. */
export class SctpError extends Error {
  /** Machine-readable reason. */
  readonly code: SctpErrorCode;

  constructor(code: SctpErrorCode, message: string) {
    super(message);
    this.name = 'SctpError';
    this.code = code;
  }
}
