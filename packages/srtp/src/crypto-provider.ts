/**
 * The primitives SRTP needs, behind one small interface so the bulk path can run on whichever
 * implementation measures faster (see README: node:crypto wins on this machine).
 */

/** AES in counter mode as RFC 3711 §4.1.1 defines it (AES-CM). */
export interface AesCounterMode {
  /**
   * XORs the AES-CM keystream for `iv` into `data[start, end)` in place. Block `j` of the
   * keystream is AES(key, iv + j); `iv`'s last two bytes must be zero and the range at most
   * 2^16 blocks, so the addition never carries out of the low 16 bits.
   */
  xorKeystream(iv: Uint8Array, data: Uint8Array, start: number, end: number): void;
  /**
   * The raw block cipher: AES-ECB of `blocks` (a multiple of 16 bytes) into a new array owned by
   * the caller. Lets a caller encrypt the counter blocks of several packets in one call.
   */
  encryptBlocks(blocks: Uint8Array): Uint8Array;
}

/** HMAC-SHA1 under one fixed key (RFC 2104). */
export interface HmacSha1 {
  /** Writes HMAC-SHA1(key, `data[start, end)`) (20 bytes) into `out` at `outOffset`. */
  sign(data: Uint8Array, start: number, end: number, out: Uint8Array, outOffset: number): void;
}

/** AES-GCM with a 16-byte tag under one fixed key (NIST SP 800-38D, as RFC 7714 uses it). */
export interface AesGcm {
  /**
   * Encrypts `data[start, end)` in place under the 12-byte `iv` with associated data `aad`,
   * and writes the 16-byte tag at `data[end, end + 16)`.
   */
  seal(iv: Uint8Array, aad: Uint8Array, data: Uint8Array, start: number, end: number): void;
  /**
   * Verifies the tag at `data[end, end + 16)` over `aad` and the ciphertext `data[start, end)`;
   * when it verifies, decrypts the ciphertext in place and returns true. On false, `data` is
   * left as it was.
   */
  open(iv: Uint8Array, aad: Uint8Array, data: Uint8Array, start: number, end: number): boolean;
  /**
   * Optional, with the two below: lets the caller compute the counter blocks of several packets
   * in one AES-ECB call (see {@link AesCounterMode.encryptBlocks}), as the keystream cache does.
   */
  encryptBlocks?(blocks: Uint8Array): Uint8Array;
  /**
   * {@link seal} given `ks[ksPos, …)` = E(J0) ‖ E(J0 + 1) ‖ … for this IV, at least
   * 16 + (end − start) bytes. `ksWords`, when given, is a word view of the whole of `ks.buffer`.
   */
  sealWithKeystream?(ks: Uint8Array, ksPos: number, ksWords: Uint32Array | undefined, aad: Uint8Array, data: Uint8Array, start: number, end: number): void;
  /** {@link open} given the keystream as for {@link sealWithKeystream}. */
  openWithKeystream?(ks: Uint8Array, ksPos: number, ksWords: Uint32Array | undefined, aad: Uint8Array, data: Uint8Array, start: number, end: number): boolean;
}

/** Makes keyed primitive instances; one per session key, reused for every packet. */
export interface SrtpCryptoProvider {
  /** A short name for reports and benchmarks. */
  readonly name: string;
  /** AES-CM under a 16- or 32-byte key. */
  aesCounterMode(key: Uint8Array): AesCounterMode;
  /** HMAC-SHA1 under `key`. */
  hmacSha1(key: Uint8Array): HmacSha1;
  /** AES-GCM under a 16- or 32-byte key. */
  aesGcm(key: Uint8Array): AesGcm;
}
