/**
 * The cryptographic transform of one direction, keyed with session keys: it turns an RTP/RTCP
 * packet held in a buffer into SRTP/SRTCP in place and back. Index bookkeeping (ROC, replay) lives
 * in {@link SrtpContext}; the transform takes the index it is given.
 *
 * Buffers must have room after `length` for the trailer the operation appends.
 */
export interface SrtpTransform {
  /** Bytes the transform appends to an RTP packet (the SRTP authentication tag). */
  readonly srtpTagLength: number;
  /** Bytes appended to an RTCP packet: the SRTCP index word plus the tag. */
  readonly srtcpTrailerLength: number;
  /** Where the E-flag/SRTCP-index word starts, counted back from the end of an SRTCP packet. */
  readonly srtcpIndexOffsetFromEnd: number;

  /** Encrypts `buf[headerLength, length)` and appends the tag; returns the SRTP length. */
  protectRtp(buf: Uint8Array, length: number, headerLength: number, ssrc: number, roc: number, seq: number): number;
  /**
   * Verifies the tag of the SRTP packet `buf[0, length)` and decrypts it in place.
   * Returns the RTP length, or -1 when authentication fails (then the payload is unchanged).
   */
  unprotectRtp(buf: Uint8Array, length: number, headerLength: number, ssrc: number, roc: number, seq: number): number;
  /** Encrypts (unless `encrypt` is false) and tags the RTCP packet `buf[0, length)`; returns the SRTCP length. */
  protectRtcp(buf: Uint8Array, length: number, ssrc: number, index: number, encrypt?: boolean): number;
  /** Verifies and (if `encrypted`) decrypts the SRTCP packet; returns the RTCP length or -1. */
  unprotectRtcp(buf: Uint8Array, length: number, ssrc: number, index: number, encrypted: boolean): number;
}

/** Writes a 32-bit big-endian value. */
export function writeUint32(buf: Uint8Array, offset: number, value: number): void {
  buf[offset] = value >>> 24;
  buf[offset + 1] = value >>> 16;
  buf[offset + 2] = value >>> 8;
  buf[offset + 3] = value;
}
