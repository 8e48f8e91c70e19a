import type { AesCounterMode } from './crypto-provider.js';
import { KeystreamXor, LITTLE_ENDIAN } from './xor.js';

/** Packets per batch: one block-cipher call then serves this many packets of a stream. */
const BATCH = 8;
/** Largest payload served from the cache (bytes, a multiple of 16); larger ones go direct. */
const MAX_SLOT = 1504;
/** Streams remembered; past this the cache starts over (it is only a cache). */
const MAX_STREAMS = 64;

/**
 * Writes the AES-CM IV of RFC 3711 §4.1.1 into `iv`:
 * (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16), with i = high32 · 2^16 + low16.
 */
export function writeAesCmIv(iv: Uint8Array, salt: Uint8Array, ssrc: number, high32: number, low16: number): void {
  iv.set(salt);
  iv[4] = iv[4]! ^ (ssrc >>> 24); iv[5] = iv[5]! ^ ((ssrc >>> 16) & 0xff);
  iv[6] = iv[6]! ^ ((ssrc >>> 8) & 0xff); iv[7] = iv[7]! ^ (ssrc & 0xff);
  iv[8] = iv[8]! ^ (high32 >>> 24); iv[9] = iv[9]! ^ ((high32 >>> 16) & 0xff);
  iv[10] = iv[10]! ^ ((high32 >>> 8) & 0xff); iv[11] = iv[11]! ^ (high32 & 0xff);
  iv[12] = iv[12]! ^ (low16 >>> 8); iv[13] = iv[13]! ^ (low16 & 0xff);
  iv[14] = 0; iv[15] = 0;
}

interface Batch {
  /** Packet index of the first slot. */
  first: number;
  /** Bytes of keystream per packet (a multiple of 16). */
  slot: number;
  /** BATCH × slot bytes of keystream. */
  keystream: Uint8Array;
  /** A word view of the whole of `keystream.buffer`, made once per batch. */
  words: Uint32Array | undefined;
}

/**
 * SRTP keystream computed ahead. A packet's AES-CM keystream depends only on the SSRC, its index
 * and the key, and a stream's indices come in order, so the counter blocks of the next
 * {@link BATCH} packets go through the block cipher in one call. With node:crypto a call costs
 * about as much as 1200 bytes of AES, so this takes most of the cipher cost off each packet.
 * Out-of-order indices and larger packets simply start a new batch.
 */
export class KeystreamCache {
  private readonly batches = new Map<number, Batch>();
  private readonly counters = new Uint8Array(BATCH * MAX_SLOT);
  private readonly counters32 = new Uint32Array(this.counters.buffer);
  private readonly iv = new Uint8Array(16);
  private readonly iv32 = new Uint32Array(4);
  private readonly iv8 = new Uint8Array(this.iv32.buffer);
  private readonly xorer = new KeystreamXor();

  constructor(private readonly cipher: AesCounterMode, private readonly salt: Uint8Array) {}

  /**
   * XORs the keystream of packet (ssrc, roc, seq) into `data[start, end)`; false when the
   * length is beyond the cache, and the caller must use the cipher directly.
   */
  xor(ssrc: number, roc: number, seq: number, data: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (length > MAX_SLOT) return false;
    if (length <= 0) return true;
    const index = roc * 65536 + seq;
    let batch = this.batches.get(ssrc);
    if (!batch || index < batch.first || index >= batch.first + BATCH || length > batch.slot) {
      batch = this.refill(ssrc, index, Math.max((length + 15) & ~15, batch?.slot ?? 0));
    }
    this.xorer.apply(data, start, batch.keystream, (index - batch.first) * batch.slot, length, batch.words);
    return true;
  }

  private refill(ssrc: number, first: number, slot: number): Batch {
    const blocks = slot >>> 4;
    const c = this.counters32;
    let k = 0;
    for (let p = 0; p < BATCH; p++) {
      const index = first + p;
      writeAesCmIv(this.iv, this.salt, ssrc, Math.floor(index / 65536) >>> 0, index & 0xffff);
      this.iv8.set(this.iv);
      const w0 = this.iv32[0]!, w1 = this.iv32[1]!, w2 = this.iv32[2]!, w3 = this.iv32[3]!;
      // Little-endian words over big-endian bytes: the 16-bit block counter is bytes 14–15.
      for (let j = 0; j < blocks; j++, k += 4) {
        c[k] = w0; c[k + 1] = w1; c[k + 2] = w2;
        c[k + 3] = LITTLE_ENDIAN ? (w3 ^ (((j >>> 8) & 0xff) << 16) ^ ((j & 0xff) << 24)) >>> 0 : (w3 ^ j) >>> 0;
      }
    }
    const keystream = this.cipher.encryptBlocks(this.counters.subarray(0, BATCH * slot));
    if (this.batches.size >= MAX_STREAMS && !this.batches.has(ssrc)) this.batches.clear();
    const words = (keystream.byteOffset & 3) === 0 ? new Uint32Array(keystream.buffer, 0, keystream.buffer.byteLength >>> 2) : undefined;
    const batch = { first, slot, keystream, words };
    this.batches.set(ssrc, batch);
    return batch;
  }
}
