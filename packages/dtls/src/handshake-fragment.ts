import { DtlsError } from './errors.js';
import { HANDSHAKE_HEADER_LENGTH } from './constants.js';

/** One handshake fragment as carried in a record (RFC 6347 §4.2.2). */
export interface HandshakeFragment {
  msgType: number;
  /** Length of the whole message body. */
  length: number;
  messageSeq: number;
  fragmentOffset: number;
  /** The fragment bytes (a view). */
  body: Uint8Array;
}

/** Largest handshake message this implementation accepts (certificate chains stay far below). */
export const MAX_HANDSHAKE_MESSAGE_LENGTH = 64 * 1024;

/**
 * Parses the handshake fragments of one record fragment (a record may carry several).
 * Throws DtlsError on a truncated header, a fragment that runs past its message, or an oversized one.
 */
export function parseHandshakeFragments(data: Uint8Array): HandshakeFragment[] {
  const out: HandshakeFragment[] = [];
  let o = 0;
  while (o < data.length) {
    if (data.length - o < HANDSHAKE_HEADER_LENGTH) throw new DtlsError('truncated', 'truncated handshake header');
    const msgType = data[o]!;
    const length = (data[o + 1]! << 16) | (data[o + 2]! << 8) | data[o + 3]!;
    const messageSeq = (data[o + 4]! << 8) | data[o + 5]!;
    const fragmentOffset = (data[o + 6]! << 16) | (data[o + 7]! << 8) | data[o + 8]!;
    const fragmentLength = (data[o + 9]! << 16) | (data[o + 10]! << 8) | data[o + 11]!;
    if (length > MAX_HANDSHAKE_MESSAGE_LENGTH) throw new DtlsError('oversized', `handshake message of ${length} bytes`);
    if (fragmentOffset + fragmentLength > length) throw new DtlsError('malformed', 'fragment runs past its message');
    const start = o + HANDSHAKE_HEADER_LENGTH;
    if (data.length - start < fragmentLength) throw new DtlsError('truncated', 'truncated handshake fragment');
    out.push({ msgType, length, messageSeq, fragmentOffset, body: data.subarray(start, start + fragmentLength) });
    o = start + fragmentLength;
  }
  return out;
}

/** Writes a handshake header (12 bytes) at `offset`. */
export function writeHandshakeHeader(
  out: Uint8Array,
  offset: number,
  msgType: number,
  length: number,
  messageSeq: number,
  fragmentOffset: number,
  fragmentLength: number,
): void {
  out[offset] = msgType;
  out[offset + 1] = length >>> 16;
  out[offset + 2] = (length >>> 8) & 0xff;
  out[offset + 3] = length & 0xff;
  out[offset + 4] = messageSeq >>> 8;
  out[offset + 5] = messageSeq & 0xff;
  out[offset + 6] = fragmentOffset >>> 16;
  out[offset + 7] = (fragmentOffset >>> 8) & 0xff;
  out[offset + 8] = fragmentOffset & 0xff;
  out[offset + 9] = fragmentLength >>> 16;
  out[offset + 10] = (fragmentLength >>> 8) & 0xff;
  out[offset + 11] = fragmentLength & 0xff;
}

/**
 * A whole message as one fragment (offset 0, fragment_length = length): the form that enters the
 * handshake transcript (RFC 6347 §4.2.6) and the form of an unfragmented send.
 */
export function encodeHandshakeMessage(msgType: number, messageSeq: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(HANDSHAKE_HEADER_LENGTH + body.length);
  writeHandshakeHeader(out, 0, msgType, body.length, messageSeq, 0, body.length);
  out.set(body, HANDSHAKE_HEADER_LENGTH);
  return out;
}

/** Splits a message into fragments whose body is at most `maxFragment` bytes (each with its header). */
export function fragmentHandshakeMessage(msgType: number, messageSeq: number, body: Uint8Array, maxFragment: number): Uint8Array[] {
  if (maxFragment < 1) throw new DtlsError('invalid-argument', 'fragment size must be positive');
  const out: Uint8Array[] = [];
  let offset = 0;
  do {
    const n = Math.min(maxFragment, body.length - offset);
    const f = new Uint8Array(HANDSHAKE_HEADER_LENGTH + n);
    writeHandshakeHeader(f, 0, msgType, body.length, messageSeq, offset, n);
    f.set(body.subarray(offset, offset + n), HANDSHAKE_HEADER_LENGTH);
    out.push(f);
    offset += n;
  } while (offset < body.length);
  return out;
}
