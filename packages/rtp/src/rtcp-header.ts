import { RtpError } from './errors.js';

/** RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611). */
export const RtcpPacketType = {
  senderReport: 200,
  receiverReport: 201,
  sourceDescription: 202,
  goodbye: 203,
  applicationDefined: 204,
  transportFeedback: 205,
  payloadFeedback: 206,
  extendedReport: 207,
} as const;

/** The common RTCP header, located in a buffer: `body` excludes the 4 header octets and the padding. */
export interface RtcpHeader {
  /** Reception report count, SDES chunk count, or feedback message type (FMT), 5 bits. */
  count: number;
  packetType: number;
  /** The packet body after the 4-octet header, without padding; a view. */
  body: Uint8Array;
  /** Total octets of the packet including header and padding. */
  size: number;
}

/**
 * Read one RTCP packet header at `offset` and locate its body (RFC 3550 §6.4.1).
 * @throws RtpError `truncated`, `bad-version`, `bad-length` or `bad-padding`.
 */
export function readRtcpHeader(buf: Uint8Array, offset: number): RtcpHeader {
  if (offset + 4 > buf.length) throw new RtpError('truncated', 'RTCP header past the end');
  const b0 = buf[offset]!;
  if (b0 >> 6 !== 2) throw new RtpError('bad-version', `RTCP version ${b0 >> 6}, expected 2`);
  const size = (((buf[offset + 2]! << 8) | buf[offset + 3]!) + 1) * 4;
  if (offset + size > buf.length) throw new RtpError('bad-length', `RTCP length ${size} runs past the ${buf.length - offset} bytes left`);
  let end = offset + size;
  if (b0 & 0x20) {
    const pad = buf[end - 1]!;
    if (pad === 0 || pad > size - 4) throw new RtpError('bad-padding', `RTCP padding count ${pad} does not fit`);
    end -= pad;
  }
  return { count: b0 & 0x1f, packetType: buf[offset + 1]!, body: buf.subarray(offset + 4, end), size };
}

/**
 * Allocate an RTCP packet with its header written, for a body of `bodyLength` octets padded with
 * zeros to a 32-bit boundary (the padding bit is set when `bodyLength` is not a multiple of 4, as
 * libwebrtc does for transport-wide feedback). Returns the buffer and a DataView over it.
 */
export function allocRtcpPacket(count: number, packetType: number, bodyLength: number): { buf: Uint8Array; view: DataView } {
  if (count < 0 || count > 31) throw new RtpError('invalid-argument', `RTCP count ${count} out of 0–31`);
  const pad = (4 - (bodyLength % 4)) % 4;
  const size = 4 + bodyLength + pad;
  if (size / 4 - 1 > 0xffff) throw new RtpError('invalid-argument', 'RTCP packet too long');
  const buf = new Uint8Array(size);
  buf[0] = 0x80 | (pad ? 0x20 : 0) | count;
  buf[1] = packetType;
  buf[2] = (size / 4 - 1) >> 8;
  buf[3] = (size / 4 - 1) & 0xff;
  if (pad) buf[size - 1] = pad;
  return { buf, view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength) };
}

/** A DataView over a body, made once per packet. */
export function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Throw `bad-payload` unless `body` has at least `n` octets. */
export function need(body: Uint8Array, n: number, what: string): void {
  if (body.length < n) throw new RtpError('bad-payload', `${what}: ${body.length} bytes, need ${n}`);
}
