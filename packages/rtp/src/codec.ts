/** Splits encoded frames into RTP payloads for one codec. */
export interface RtpPacketizer {
  /**
   * Split one encoded frame into RTP payloads of at most the packetizer's MTU each. The caller
   * sets the same timestamp on every packet and the marker bit on the last one.
   */
  packetize(frame: Uint8Array): Uint8Array[];
}

/** Rebuilds encoded frames from RTP payloads for one codec. */
export interface RtpDepacketizer {
  /**
   * Whether this payload is known to begin a frame from its own bytes (for example VP8's S bit
   * with partition 0). `false` means "cannot tell", and the jitter buffer falls back to sequence
   * numbers and timestamps.
   */
  isFrameStart(payload: Uint8Array): boolean;
  /** Whether the frame made of these payloads (in order) can be decoded on its own. */
  isKeyframe(payloads: Uint8Array[]): boolean;
  /**
   * The encoded frame carried by these payloads (all of one frame, in sequence order).
   * @throws RtpError `bad-payload` when a payload is malformed.
   */
  depacketize(payloads: Uint8Array[]): Uint8Array;
}

/** Default largest RTP payload: fits a 1280-byte IPv6 minimum MTU with room for SRTP and extensions. */
export const DEFAULT_MAX_PAYLOAD_SIZE = 1200;

/** @internal Concatenate byte arrays. */
export function concatBytes(parts: Uint8Array[], total?: number): Uint8Array {
  let n = total ?? 0;
  if (total === undefined) for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
