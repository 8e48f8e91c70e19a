import type { AesCounterMode, HmacSha1, SrtpCryptoProvider } from './crypto-provider.js';
import type { SessionKeys } from './key-derivation.js';
import { KeystreamCache, writeAesCmIv } from './keystream-cache.js';
import type { SrtpProfileParameters } from './protection-profile.js';
import { writeUint32, type SrtpTransform } from './srtp-transform.js';

/**
 * The RFC 3711 default transform: AES-CM encryption (§4.1.1) and HMAC-SHA1 authentication (§4.2),
 * for SRTP_AES128_CM_HMAC_SHA1_80 and _32.
 */
export class AesCmHmacSha1Transform implements SrtpTransform {
  readonly srtpTagLength: number;
  readonly srtcpTrailerLength: number;
  readonly srtcpIndexOffsetFromEnd: number;
  private readonly srtcpTagLength: number;
  private readonly rtpCipher: AesCounterMode;
  private readonly rtcpCipher: AesCounterMode;
  private readonly rtpAuth: HmacSha1;
  private readonly rtcpAuth: HmacSha1;
  private readonly rtpSalt: Uint8Array;
  private readonly rtcpSalt: Uint8Array;
  private readonly rtpKeystream: KeystreamCache;
  private readonly iv = new Uint8Array(16);
  private readonly digest = new Uint8Array(20);
  private readonly receivedTag = new Uint8Array(20);

  constructor(profile: SrtpProfileParameters, rtp: SessionKeys, rtcp: SessionKeys, crypto: SrtpCryptoProvider) {
    this.srtpTagLength = profile.srtpAuthTagLength;
    this.srtcpTagLength = profile.srtcpAuthTagLength;
    this.srtcpTrailerLength = 4 + this.srtcpTagLength;
    this.srtcpIndexOffsetFromEnd = 4 + this.srtcpTagLength;
    this.rtpCipher = crypto.aesCounterMode(rtp.encryptionKey);
    this.rtcpCipher = crypto.aesCounterMode(rtcp.encryptionKey);
    this.rtpAuth = crypto.hmacSha1(rtp.authenticationKey);
    this.rtcpAuth = crypto.hmacSha1(rtcp.authenticationKey);
    this.rtpSalt = rtp.salt.slice();
    this.rtcpSalt = rtcp.salt.slice();
    this.rtpKeystream = new KeystreamCache(this.rtpCipher, this.rtpSalt);
  }

  /** IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16), with i = high32 · 2^16 + low16. */
  private setIv(salt: Uint8Array, ssrc: number, high32: number, low16: number): Uint8Array {
    writeAesCmIv(this.iv, salt, ssrc, high32, low16);
    return this.iv;
  }

  /** Encrypts or decrypts an SRTP payload, from the keystream cache when it can. */
  private cryptRtp(buf: Uint8Array, start: number, end: number, ssrc: number, roc: number, seq: number): void {
    if (!this.rtpKeystream.xor(ssrc, roc, seq, buf, start, end)) {
      this.rtpCipher.xorKeystream(this.setIv(this.rtpSalt, ssrc, roc, seq), buf, start, end);
    }
  }

  protectRtp(buf: Uint8Array, length: number, headerLength: number, ssrc: number, roc: number, seq: number): number {
    this.cryptRtp(buf, headerLength, length, ssrc, roc, seq);
    // Authenticated portion || ROC (§4.2); the tag then overwrites the ROC it covered.
    writeUint32(buf, length, roc);
    this.rtpAuth.sign(buf, 0, length + 4, this.digest, 0);
    copyBytes(this.digest, 0, buf, length, this.srtpTagLength);
    return length + this.srtpTagLength;
  }

  unprotectRtp(buf: Uint8Array, length: number, headerLength: number, ssrc: number, roc: number, seq: number): number {
    const tagLength = this.srtpTagLength;
    const end = length - tagLength;
    copyBytes(buf, end, this.receivedTag, 0, tagLength);
    writeUint32(buf, end, roc);
    this.rtpAuth.sign(buf, 0, end + 4, this.digest, 0);
    if (!equalBytes(this.digest, this.receivedTag, 0, tagLength)) {
      copyBytes(this.receivedTag, 0, buf, end, tagLength);
      return -1;
    }
    this.cryptRtp(buf, headerLength, end, ssrc, roc, seq);
    return end;
  }

  protectRtcp(buf: Uint8Array, length: number, ssrc: number, index: number, encrypt = true): number {
    if (encrypt) this.rtcpCipher.xorKeystream(this.setIv(this.rtcpSalt, ssrc, index >>> 16, index & 0xffff), buf, 8, length);
    writeUint32(buf, length, ((encrypt ? 0x80000000 : 0) | index) >>> 0);
    this.rtcpAuth.sign(buf, 0, length + 4, this.digest, 0);
    copyBytes(this.digest, 0, buf, length + 4, this.srtcpTagLength);
    return length + 4 + this.srtcpTagLength;
  }

  unprotectRtcp(buf: Uint8Array, length: number, ssrc: number, index: number, encrypted: boolean): number {
    const tagStart = length - this.srtcpTagLength;
    this.rtcpAuth.sign(buf, 0, tagStart, this.digest, 0);
    if (!equalBytes(this.digest, buf, tagStart, this.srtcpTagLength)) return -1;
    const end = tagStart - 4;
    if (encrypted) this.rtcpCipher.xorKeystream(this.setIv(this.rtcpSalt, ssrc, index >>> 16, index & 0xffff), buf, 8, end);
    return end;
  }
}

/** Compares `a[0, n)` with `b[bOffset, bOffset + n)` without an early exit (no timing hint). */
function equalBytes(a: Uint8Array, b: Uint8Array, bOffset: number, n: number): boolean {
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= a[i]! ^ b[bOffset + i]!;
  return diff === 0;
}

/** Copies a few bytes (a tag) without making views. */
function copyBytes(from: Uint8Array, fromOffset: number, to: Uint8Array, toOffset: number, n: number): void {
  for (let i = 0; i < n; i++) to[toOffset + i] = from[fromOffset + i]!;
}
