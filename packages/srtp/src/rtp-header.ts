import { SrtpError } from './srtp-error.js';

/**
 * Length of the RTP header SRTP leaves in the clear (RFC 3711 §3.1): the fixed 12 bytes, the
 * CSRC list and the header extension. Throws `too-short` / `malformed` (never a RangeError).
 * @param trailer bytes after the payload that are not part of it (the authentication tag).
 */
export function rtpHeaderLength(packet: Uint8Array, trailer: number): number {
  const length = packet.length - trailer;
  if (length < 12) throw new SrtpError('too-short', 'RTP packet shorter than its 12-byte header');
  const b0 = packet[0]!;
  if (b0 >> 6 !== 2) throw new SrtpError('malformed', 'not RTP version 2');
  let headerLength = 12 + 4 * (b0 & 0x0f);
  if (b0 & 0x10) {
    if (headerLength + 4 > length) throw new SrtpError('malformed', 'RTP header extension runs past the packet');
    headerLength += 4 + 4 * ((packet[headerLength + 2]! << 8) | packet[headerLength + 3]!);
  }
  if (headerLength > length) throw new SrtpError('malformed', 'RTP header runs past the packet');
  return headerLength;
}

/** The RTP sequence number (bytes 2–3). The caller has checked the length. */
export function rtpSequenceNumber(packet: Uint8Array): number {
  return (packet[2]! << 8) | packet[3]!;
}

/** The 32-bit SSRC at `offset` (8 for RTP, 4 for RTCP). The caller has checked the length. */
export function readSsrc(packet: Uint8Array, offset: number): number {
  return ((packet[offset]! << 24) | (packet[offset + 1]! << 16) | (packet[offset + 2]! << 8) | packet[offset + 3]!) >>> 0;
}

/** Checks the first RTCP header of a (compound) packet: version 2 and at least header + sender SSRC. */
export function checkRtcpHeader(packet: Uint8Array, trailer: number): void {
  if (packet.length - trailer < 8) throw new SrtpError('too-short', 'RTCP packet shorter than 8 bytes plus trailer');
  if (packet[0]! >> 6 !== 2) throw new SrtpError('malformed', 'not RTCP version 2');
}
