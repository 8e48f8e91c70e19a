/** FINGERPRINT (RFC 8489 §14.7): CRC-32 (ISO 3309, as in zlib) of the message, xor 0x5354554e. */

const table = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  table[n] = c >>> 0;
}

/** CRC-32 of `bytes[start..end)`. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The xor constant of FINGERPRINT ("STUN" in ASCII). */
export const FINGERPRINT_XOR = 0x5354554e;

/**
 * FINGERPRINT value for a message whose FINGERPRINT attribute header starts at `attributeOffset`.
 * The header's length field must already cover the FINGERPRINT attribute.
 */
export function computeFingerprint(msg: Uint8Array, attributeOffset: number): number {
  return (crc32(msg, 0, attributeOffset) ^ FINGERPRINT_XOR) >>> 0;
}
