import { createCipheriv, hash, type Cipher } from 'node:crypto';
import type { AesCounterMode, AesGcm, HmacSha1, SrtpCryptoProvider } from './crypto-provider.js';
import { Ghash } from './ghash.js';
import { Sha1Block, SHA1_INITIAL_STATE } from './sha1-compress.js';
import { KeystreamXor, LITTLE_ENDIAN } from './xor.js';

/** Counter blocks prepared per call; one MTU-sized payload fits in a single OpenSSL call. */
const COUNTER_BLOCKS = 96;

/**
 * AES-CM on one long-lived `aes-*-ecb` cipher: ECB holds no state between full blocks, so one
 * object encrypts the counter blocks of every packet, and the key schedule runs once per key.
 */
class NodeAesCounterMode implements AesCounterMode {
  private readonly ecb: Cipher;
  private readonly counters = new Uint8Array(COUNTER_BLOCKS * 16);
  private readonly counters32 = new Uint32Array(this.counters.buffer);
  private readonly iv32 = new Uint32Array(4);
  private readonly iv8 = new Uint8Array(this.iv32.buffer);
  private readonly xor = new KeystreamXor();

  constructor(key: Uint8Array) {
    this.ecb = createCipheriv(key.length === 32 ? 'aes-256-ecb' : 'aes-128-ecb', key, null);
    this.ecb.setAutoPadding(false);
  }

  xorKeystream(iv: Uint8Array, data: Uint8Array, start: number, end: number): void {
    this.iv8.set(iv.length === 16 ? iv : iv.subarray(0, 16));
    const w0 = this.iv32[0]!, w1 = this.iv32[1]!, w2 = this.iv32[2]!, w3 = this.iv32[3]!;
    let block = 0;
    for (let pos = start; pos < end; ) {
      const blocks = Math.min(COUNTER_BLOCKS, Math.ceil((end - pos) / 16));
      const c = this.counters32;
      // Words are little-endian views of big-endian bytes: the 16-bit block counter sits in
      // bytes 14..15, i.e. the top half of the last word, byte-swapped.
      for (let j = 0, k = 0; j < blocks; j++, k += 4) {
        const n = block + j;
        c[k] = w0; c[k + 1] = w1; c[k + 2] = w2;
        c[k + 3] = LITTLE_ENDIAN ? (w3 ^ (((n >>> 8) & 0xff) << 16) ^ ((n & 0xff) << 24)) >>> 0 : (w3 ^ n) >>> 0;
      }
      const ks = this.ecb.update(this.counters.subarray(0, blocks * 16));
      const n = Math.min(end - pos, blocks * 16);
      this.xor.apply(data, pos, ks, 0, n);
      pos += n;
      block += blocks;
    }
  }

  encryptBlocks(blocks: Uint8Array): Uint8Array {
    return this.ecb.update(blocks);
  }
}

/**
 * HMAC-SHA1 (RFC 2104) = SHA1(K^opad || SHA1(K^ipad || m)) in two steps chosen by measurement:
 * the long inner hash is one native `crypto.hash` call over a scratch buffer that already holds
 * K^ipad, and the short outer hash (one block after K^opad) is finished in JS from the state
 * with K^opad absorbed once. Node calls cost ~1.5 µs each here whatever their size, so this
 * saves three of the four calls a `createHmac` or `Hash.copy()` approach makes, and their garbage.
 */
class NodeHmacSha1 implements HmacSha1 {
  private scratch = new Uint8Array(64 + 2048);
  private readonly outerState = new Int32Array(5);
  private readonly state = new Int32Array(5);
  /** The outer hash's last block: inner digest, 0x80, zeros, bit length of 64 + 20 bytes. */
  private readonly outerBlock = new Uint8Array(64);
  private readonly sha1 = new Sha1Block();

  constructor(key: Uint8Array) {
    let k = key;
    if (k.length > 64) k = hash('sha1', k, 'buffer');
    const opad = new Uint8Array(64).fill(0x5c);
    for (let i = 0; i < 64; i++) this.scratch[i] = 0x36;
    for (let i = 0; i < k.length; i++) {
      this.scratch[i] = this.scratch[i]! ^ k[i]!;
      opad[i] = opad[i]! ^ k[i]!;
    }
    this.outerState.set(SHA1_INITIAL_STATE);
    this.sha1.compress(this.outerState, opad, 0);
    this.outerBlock[20] = 0x80;
    this.outerBlock[62] = ((64 + 20) * 8) >>> 8;
    this.outerBlock[63] = ((64 + 20) * 8) & 0xff;
  }

  sign(data: Uint8Array, start: number, end: number, out: Uint8Array, outOffset: number): void {
    const n = end - start;
    if (64 + n > this.scratch.length) {
      const bigger = new Uint8Array(64 + n);
      bigger.set(this.scratch.subarray(0, 64));
      this.scratch = bigger;
    }
    this.scratch.set(data.subarray(start, end), 64);
    this.outerBlock.set(hash('sha1', this.scratch.subarray(0, 64 + n), 'buffer'));
    const s = this.state;
    s.set(this.outerState);
    this.sha1.compress(s, this.outerBlock, 0);
    for (let i = 0; i < 5; i++) {
      const v = s[i]!;
      const o = outOffset + 4 * i;
      out[o] = v >>> 24; out[o + 1] = v >>> 16; out[o + 2] = v >>> 8; out[o + 3] = v;
    }
  }
}

/**
 * AES-GCM (SP 800-38D) without a cipher object per packet: the counter blocks J0, J0+1, … of a
 * packet (12-byte IV ‖ 32-bit block number) go through the session key's long-lived `aes-*-ecb`
 * cipher in one call, which gives E(J0) for the tag and the CTR keystream; GHASH runs in JS on
 * tables built once per key ({@link Ghash}). Two native calls per packet would be one, but node's
 * GCM cipher cannot be rewound to a new IV, so a per-packet `createCipheriv` cost five.
 */
class NodeAesGcm implements AesGcm {
  private readonly ecb: Cipher;
  private readonly ghash: Ghash;
  // Grown on first use: a session makes four keys and may use one (or none, on a data-only connection).
  private counters = new Uint8Array(0);
  private counters32 = new Int32Array(0);
  private readonly iv32 = new Int32Array(4);
  private readonly iv8 = new Uint8Array(this.iv32.buffer);
  private readonly tagBytes = new Uint8Array(16);
  private readonly xor = new KeystreamXor();

  constructor(key: Uint8Array) {
    this.ecb = createCipheriv(key.length === 32 ? 'aes-256-ecb' : 'aes-128-ecb', key, null);
    this.ecb.setAutoPadding(false);
    this.ghash = new Ghash(this.ecb.update(new Uint8Array(16)));
  }

  /** E(J0) ‖ keystream for `n` bytes: AES-ECB of IV ‖ 1, IV ‖ 2, … in one call. */
  private keystream(iv: Uint8Array, n: number): Uint8Array {
    const blocks = 1 + ((n + 15) >>> 4);
    if (blocks * 16 > this.counters.length) {
      this.counters = new Uint8Array(Math.max(blocks, 1 + COUNTER_BLOCKS) * 16);
      this.counters32 = new Int32Array(this.counters.buffer);
    }
    this.iv8.set(iv.subarray(0, 12));
    const w0 = this.iv32[0]!, w1 = this.iv32[1]!, w2 = this.iv32[2]!;
    const c = this.counters32;
    for (let j = 1, k = 0; j <= blocks; j++, k += 4) {
      c[k] = w0; c[k + 1] = w1; c[k + 2] = w2;
      c[k + 3] = LITTLE_ENDIAN ? ((j >>> 24) | ((j >>> 8) & 0xff00) | ((j & 0xff00) << 8) | (j << 24)) : j;
    }
    return this.ecb.update(this.counters.subarray(0, blocks * 16));
  }

  /** GHASH(A, C) ⊕ E(J0) into `tagBytes`, E(J0) at `ks[ksPos, ksPos + 16)`. */
  private tag(aad: Uint8Array, data: Uint8Array, start: number, end: number, ks: Uint8Array, ksPos: number): void {
    const t = this.tagBytes;
    this.ghash.digest(aad, data, start, end, t);
    for (let i = 0; i < 16; i++) t[i] = t[i]! ^ ks[ksPos + i]!;
  }

  encryptBlocks(blocks: Uint8Array): Uint8Array {
    return this.ecb.update(blocks);
  }

  seal(iv: Uint8Array, aad: Uint8Array, data: Uint8Array, start: number, end: number): void {
    this.sealWithKeystream(this.keystream(iv, end - start), 0, undefined, aad, data, start, end);
  }

  open(iv: Uint8Array, aad: Uint8Array, data: Uint8Array, start: number, end: number): boolean {
    return this.openWithKeystream(this.keystream(iv, end - start), 0, undefined, aad, data, start, end);
  }

  sealWithKeystream(ks: Uint8Array, ksPos: number, ksWords: Uint32Array | undefined, aad: Uint8Array, data: Uint8Array, start: number, end: number): void {
    this.xor.apply(data, start, ks, ksPos + 16, end - start, ksWords);
    this.tag(aad, data, start, end, ks, ksPos);
    data.set(this.tagBytes, end);
  }

  openWithKeystream(ks: Uint8Array, ksPos: number, ksWords: Uint32Array | undefined, aad: Uint8Array, data: Uint8Array, start: number, end: number): boolean {
    this.tag(aad, data, start, end, ks, ksPos);
    const t = this.tagBytes;
    let diff = 0;
    for (let i = 0; i < 16; i++) diff |= t[i]! ^ data[end + i]!;
    if (diff !== 0) return false;
    this.xor.apply(data, start, ks, ksPos + 16, end - start, ksWords);
    return true;
  }
}

/** The node:crypto (OpenSSL, AES-NI) provider: the default, by measurement. */
export const nodeCryptoProvider: SrtpCryptoProvider = {
  name: 'node:crypto',
  aesCounterMode: (key) => new NodeAesCounterMode(key),
  hmacSha1: (key) => new NodeHmacSha1(key),
  aesGcm: (key) => new NodeAesGcm(key),
};
