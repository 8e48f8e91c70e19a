import { describe, expect, it } from 'vitest';
import { crc32c, crc32cUpdate } from '../src/index.js';

describe('CRC32c (RFC 9260 Appendix B / RFC 3720 B.4 vectors)', () => {
  it('check value of "123456789" is 0xE3069283', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });
  it('32 bytes of zeros → 0x8A9136AA', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  });
  it('32 bytes of 0xFF → 0x62A8AB43', () => {
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
  });
  it('32 incrementing bytes → 0x46DD794E', () => {
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });
  it('32 decrementing bytes → 0x113FDB5C', () => {
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });
  it('iSCSI SCSI Read (10) command PDU → 0xD9963A56', () => {
    // Exact PDU bytes from RFC 3720 B.4.
    const bytes = Uint8Array.from([
      0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
      0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]);
    expect(crc32c(bytes)).toBe(0xd9963a56);
  });
  it('slicing-by-8 agrees with the bytewise definition at every length and split', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff);
    const bytewise = (d: Uint8Array) => {
      let c = 0xffffffff;
      for (const b of d) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return ~c >>> 0;
    };
    for (let n = 0; n <= 300; n += 7) expect(crc32c(data.subarray(0, n))).toBe(bytewise(data.subarray(0, n)));
    const split = ~crc32cUpdate(crc32cUpdate(0xffffffff, data, 0, 13), data, 13, 300) >>> 0;
    expect(split).toBe(bytewise(data));
  });
});
