import type { AesCounterMode } from './crypto-provider.js';
import { KeystreamXor, LITTLE_ENDIAN } from './xor.js';

/** Packets per batch: one block-cipher call then serves this many packets of a stream. */
const BATCH = 8;
/** Largest payload served from the cache (bytes, a multiple of 16); larger ones go direct. */
const MAX_PAYLOAD = 1504;
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

/**
 * Writes the AES-GCM IV of RFC 7714 §8.1 into `iv[0, 12)` and zeros `iv[12, 16)`:
 * salt XOR (00 00 ‖ SSRC ‖ ROC ‖ SEQ).
 */
export function writeGcmIv(iv: Uint8Array, salt: Uint8Array, ssrc: number, roc: number, seq: number): void {
  iv[0] = salt[0]!; iv[1] = salt[1]!;
  iv[2] = salt[2]! ^ (ssrc >>> 24); iv[3] = salt[3]! ^ ((ssrc >>> 16) & 0xff);
  iv[4] = salt[4]! ^ ((ssrc >>> 8) & 0xff); iv[5] = salt[5]! ^ (ssrc & 0xff);
  iv[6] = salt[6]! ^ (roc >>> 24); iv[7] = salt[7]! ^ ((roc >>> 16) & 0xff);
  iv[8] = salt[8]! ^ ((roc >>> 8) & 0xff); iv[9] = salt[9]! ^ (roc & 0xff);
  iv[10] = salt[10]! ^ (seq >>> 8); iv[11] = salt[11]! ^ (seq & 0xff);
  iv[12] = 0; iv[13] = 0; iv[14] = 0; iv[15] = 0;
}

/** How a mode lays out a packet's counter blocks. */
export interface CounterLayout {
  /** Writes the packet's 16-byte initial counter block, its counter bytes zero. */
  writeIv(iv: Uint8Array, salt: Uint8Array, ssrc: number, roc: number, seq: number): void;
  /** Blocks before the payload's keystream: 0 for AES-CM, 1 for GCM (E(J0), the tag mask). */
  prefixBlocks: number;
  /** The counter of the first block: 0 for AES-CM, 1 for GCM (J0 = IV ‖ 1). */
  firstCounter: number;
}

/** RFC 3711 AES-CM: IV + j, j from 0. */
export const AES_CM_LAYOUT: CounterLayout = { writeIv: writeAesCmIv, prefixBlocks: 0, firstCounter: 0 };
/** RFC 7714 AES-GCM: E(IV ‖ 1) for the tag, then IV ‖ 2, IV ‖ 3, … for the payload. */
export const GCM_LAYOUT: CounterLayout = { writeIv: writeGcmIv, prefixBlocks: 1, firstCounter: 1 };

/** Keystream for {@link BATCH} consecutive packets of one stream. */
export interface Batch {
  /** Packet index of the first slot. */
  first: number;
  /** Bytes of keystream per packet (a multiple of 16, prefix blocks included). */
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
  // Allocated on the first refill: a session keys its transforms whether or not media flows (a
  // data-only connection negotiates DTLS-SRTP too), and 12 KB per cache showed in the memory bench.
  private counters: Uint8Array | undefined;
  private counters32: Uint32Array | undefined;
  private readonly iv = new Uint8Array(16);
  private readonly iv32 = new Uint32Array(4);
  private readonly iv8 = new Uint8Array(this.iv32.buffer);
  private readonly xorer = new KeystreamXor();

  /** The batch {@link locate} found. */
  found: Batch | undefined;

  constructor(
    private readonly cipher: Pick<AesCounterMode, 'encryptBlocks'>,
    private readonly salt: Uint8Array,
    private readonly layout: CounterLayout = AES_CM_LAYOUT,
  ) {
  }

  /**
   * XORs the keystream of packet (ssrc, roc, seq) into `data[start, end)`; false when the
   * length is beyond the cache, and the caller must use the cipher directly.
   */
  xor(ssrc: number, roc: number, seq: number, data: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (length <= 0) return length <= MAX_PAYLOAD;
    const at = this.locate(ssrc, roc, seq, length);
    if (at < 0) return false;
    const batch = this.found!;
    this.xorer.apply(data, start, batch.keystream, at, length, batch.words);
    return true;
  }

  /**
   * Where the prefix blocks and keystream of packet (ssrc, roc, seq) with a `length`-byte payload
   * start in `found.keystream`; -1 when the length is beyond the cache.
   */
  locate(ssrc: number, roc: number, seq: number, length: number): number {
    if (length > MAX_PAYLOAD) return -1;
    const index = roc * 65536 + seq;
    const need = ((length + 15) & ~15) + 16 * this.layout.prefixBlocks;
    let batch = this.batches.get(ssrc);
    if (!batch || index < batch.first || index >= batch.first + BATCH || need > batch.slot) {
      batch = this.refill(ssrc, index, Math.max(need, batch?.slot ?? 0));
    }
    this.found = batch;
    return (index - batch.first) * batch.slot;
  }

  private refill(ssrc: number, first: number, slot: number): Batch {
    const blocks = slot >>> 4;
    if (this.counters === undefined) {
      this.counters = new Uint8Array(BATCH * (MAX_PAYLOAD + 16 * this.layout.prefixBlocks));
      this.counters32 = new Uint32Array(this.counters.buffer);
    }
    const c = this.counters32!;
    let k = 0;
    for (let p = 0; p < BATCH; p++) {
      const index = first + p;
      this.layout.writeIv(this.iv, this.salt, ssrc, Math.floor(index / 65536) >>> 0, index & 0xffff);
      this.iv8.set(this.iv);
      const w0 = this.iv32[0]!, w1 = this.iv32[1]!, w2 = this.iv32[2]!, w3 = this.iv32[3]!;
      // Native words over big-endian bytes: the block counter ends at byte 15 and its bytes
      // in the IV are zero (AES-CM's is 16 bits and stays under 2^16, GCM's is 32 bits).
      for (let j = this.layout.firstCounter, stop = j + blocks; j < stop; j++, k += 4) {
        c[k] = w0; c[k + 1] = w1; c[k + 2] = w2;
        c[k + 3] = LITTLE_ENDIAN ? (w3 ^ ((j >>> 24) | ((j >>> 8) & 0xff00) | ((j & 0xff00) << 8) | (j << 24))) >>> 0 : (w3 ^ j) >>> 0;
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
