/** Whether 32-bit views read bytes little-endian (counter blocks are filled a word at a time). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * XOR of keystream into data, a 32-bit word at a time where both sides are 4-byte aligned (RTP
 * headers are whole words, so payloads usually are). Keeps a word view of the last data buffer
 * it saw, since a transport passes the same output buffer packet after packet: no view is made
 * per packet then.
 */
export class KeystreamXor {
  private lastBuffer: ArrayBufferLike | undefined;
  private lastWords: Uint32Array | undefined;

  private words(buffer: ArrayBufferLike): Uint32Array {
    if (buffer !== this.lastBuffer) {
      this.lastBuffer = buffer;
      this.lastWords = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    }
    return this.lastWords!;
  }

  /**
   * `data[pos, pos + n) ^= ks[ksPos, ksPos + n)`. `ksWords`, when given, is a word view of the
   * whole of `ks.buffer` from byte 0.
   */
  apply(data: Uint8Array, pos: number, ks: Uint8Array, ksPos: number, n: number, ksWords?: Uint32Array): void {
    let i = 0;
    const d = data.byteOffset + pos;
    const k = ks.byteOffset + ksPos;
    if (n >= 16 && (d & 3) === 0 && (k & 3) === 0) {
      const count = n >>> 2;
      const k32 = ksWords ?? new Uint32Array(ks.buffer, k, count);
      const kBase = ksWords ? k >>> 2 : 0;
      const d32 = this.words(data.buffer);
      const dBase = d >>> 2;
      for (let w = 0; w < count; w++) d32[dBase + w] = d32[dBase + w]! ^ k32[kBase + w]!;
      i = count << 2;
    }
    for (; i < n; i++) data[pos + i] = data[pos + i]! ^ ks[ksPos + i]!;
  }
}
