// CRC32c (Castagnoli, reflected polynomial 0x82F63B78) as SCTP uses it (RFC 9260 Appendix B).
// Slicing-by-8: eight 256-entry tables, eight bytes per step.

const POLY = 0x82f63b78;
const TABLES = new Int32Array(8 * 256);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  TABLES[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = TABLES[n]!;
  for (let t = 1; t < 8; t++) {
    c = TABLES[c & 0xff]! ^ (c >>> 8);
    TABLES[t * 256 + n] = c;
  }
}

/**
 * Updates a running CRC32c over `data[start, end)`. Start with `crc = 0xffffffff`, and finish with
 * `~crc >>> 0`, or use {@link crc32c}.
 */
export function crc32cUpdate(crc: number, data: Uint8Array, start = 0, end = data.length): number {
  const t = TABLES;
  let i = start;
  // Align to 4 bytes, then read 32-bit words through one Int32Array view (little-endian hosts).
  while (i < end && ((data.byteOffset + i) & 3) !== 0) crc = t[(crc ^ data[i++]!) & 0xff]! ^ (crc >>> 8);
  const words = (end - i) >> 3;
  if (LITTLE_ENDIAN && words > 0) {
    const w = new Int32Array(data.buffer, data.byteOffset + i, words * 2);
    for (let k = 0; k < w.length; k += 2) {
      const a = w[k]! ^ crc;
      const b = w[k + 1]!;
      crc =
        t[1792 + (a & 0xff)]! ^
        t[1536 + ((a >>> 8) & 0xff)]! ^
        t[1280 + ((a >>> 16) & 0xff)]! ^
        t[1024 + (a >>> 24)]! ^
        t[768 + (b & 0xff)]! ^
        t[512 + ((b >>> 8) & 0xff)]! ^
        t[256 + ((b >>> 16) & 0xff)]! ^
        t[b >>> 24]!;
    }
    i += words * 8;
  }
  while (i < end) crc = t[(crc ^ data[i++]!) & 0xff]! ^ (crc >>> 8);
  return crc;
}

/** CRC32c of `data[start, end)` as an unsigned 32-bit number (e.g. `"123456789"` → 0xE3069283). */
export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  return ~crc32cUpdate(0xffffffff, data, start, end) >>> 0;
}
