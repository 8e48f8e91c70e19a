/** What went wrong, in one word a caller can switch on. */
export type RtpErrorCode =
  /** The buffer ends before the structure it announces. */
  | 'truncated'
  /** The version field is not 2. */
  | 'bad-version'
  /** The padding bit is set but the padding count is zero or larger than the packet. */
  | 'bad-padding'
  /** A header extension block or element does not fit or is malformed. */
  | 'bad-extension'
  /** An RTCP length field disagrees with the buffer, or a length field is out of range. */
  | 'bad-length'
  /** A payload (RTCP body, codec payload descriptor, bitstream) is malformed. */
  | 'bad-payload'
  /** A value given to a serializer or packetizer is out of range. */
  | 'invalid-argument';

/** The one error type `@x/rtp` throws: parsers throw it for bad input, serializers for bad arguments. */
export class RtpError extends Error {
  /** Machine-readable reason. */
  readonly code: RtpErrorCode;
  constructor(code: RtpErrorCode, message: string) {
    super(message);
    this.name = 'RtpError';
    this.code = code;
  }
}
