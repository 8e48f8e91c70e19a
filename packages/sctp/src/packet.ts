import { chunkSize, decodeChunk, writeChunk, type Chunk, type UnknownChunk } from './chunk.js';
import { ChunkType, padded } from './chunk-type.js';
import { crc32c, crc32cUpdate } from './crc32c.js';
import { SctpError } from './sctp-error.js';

/** The SCTP common header (RFC 9260 §3.1). */
export interface CommonHeader {
  sourcePort: number;
  destinationPort: number;
  verificationTag: number;
}

/** A decoded SCTP packet. */
export interface Packet extends CommonHeader {
  chunks: (Chunk | UnknownChunk)[];
}

/** Size of the common header. */
export const COMMON_HEADER_SIZE = 12;

/**
 * Decodes a packet and checks its CRC32c. Throws {@link SctpError} on any malformation; the chunk
 * views point into `bytes`, which the caller must not reuse afterwards. With `acceptZeroChecksum`
 * (RFC 9653: we announced Zero Checksum Acceptable, the layer below detects errors), a checksum
 * field of 0 is taken without computing the CRC32c, except on a packet with an INIT chunk, which
 * a sender always protects (§5.3); any other value must still be the right CRC32c.
 */
export function decodePacket(bytes: Uint8Array, acceptZeroChecksum = false): Packet {
  if (bytes.length < COMMON_HEADER_SIZE) throw new SctpError('truncated', `packet of ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const want = view.getUint32(8, true);
  const unchecked = acceptZeroChecksum && want === 0 && bytes[COMMON_HEADER_SIZE] !== ChunkType.INIT;
  if (!unchecked && packetChecksum(bytes) !== want) throw new SctpError('bad-checksum', 'CRC32c mismatch');
  const chunks: (Chunk | UnknownChunk)[] = [];
  let p = COMMON_HEADER_SIZE;
  while (p < bytes.length) {
    if (bytes.length - p < 4) throw new SctpError('truncated', `${bytes.length - p} bytes after the last chunk`);
    const length = view.getUint16(p + 2);
    if (length < 4) throw new SctpError('invalid-length', `chunk length ${length} < 4`);
    if (p + length > bytes.length) throw new SctpError('invalid-length', `chunk length ${length} runs past the packet`);
    chunks.push(decodeChunk(bytes, view, p, length));
    p += padded(length);
  }
  if (chunks.length === 0) throw new SctpError('truncated', 'packet without chunks');
  return { sourcePort: view.getUint16(0), destinationPort: view.getUint16(2), verificationTag: view.getUint32(4), chunks };
}

/** The CRC32c of a packet computed with its checksum field taken as zero. */
export function packetChecksum(bytes: Uint8Array): number {
  // Feed the header with a zeroed checksum without copying the packet.
  const head = ZERO_HEADER;
  head.set(bytes.subarray(0, 8));
  const crc = crc32cUpdate(crc32cUpdate(0xffffffff, head, 0, 12), bytes, 12, bytes.length);
  return ~crc >>> 0;
}

const ZERO_HEADER = new Uint8Array(12);

/**
 * Encodes a packet: header, chunks with padding, then the CRC32c (stored little-endian, as on the
 * wire), or 0 with `zeroChecksum` (RFC 9653, once both ends announced Zero Checksum Acceptable).
 */
export function encodePacket(header: CommonHeader, chunks: readonly Chunk[], zeroChecksum = false): Uint8Array {
  let size = COMMON_HEADER_SIZE;
  for (const c of chunks) size += padded(chunkSize(c));
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint16(0, header.sourcePort);
  view.setUint16(2, header.destinationPort);
  view.setUint32(4, header.verificationTag);
  let p = COMMON_HEADER_SIZE;
  for (const c of chunks) p = writeChunk(c, out, view, p);
  if (!zeroChecksum) view.setUint32(8, crc32c(out), true);
  return out;
}
