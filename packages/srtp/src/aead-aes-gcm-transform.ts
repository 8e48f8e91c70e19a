import type { AesGcm, SrtpCryptoProvider } from './crypto-provider.js';
import type { SessionKeys } from './key-derivation.js';
import { GCM_LAYOUT, KeystreamCache } from './keystream-cache.js';
import { writeUint32, type SrtpTransform } from './srtp-transform.js';

const TAG = 16;

/**
 * AEAD_AES_128_GCM and AEAD_AES_256_GCM for SRTP and SRTCP (RFC 7714 §8–§9): a 12-byte IV from
 * the session salt, SSRC and index; the RTP header (with CSRCs and extension) as associated data.
 */
export class AeadAesGcmTransform implements SrtpTransform {
  readonly srtpTagLength = TAG;
  readonly srtcpTrailerLength = TAG + 4;
  readonly srtcpIndexOffsetFromEnd = 4;
  private readonly rtpGcm: AesGcm;
  private readonly rtcpGcm: AesGcm;
  private readonly rtpSalt: Uint8Array;
  private readonly rtcpSalt: Uint8Array;
  private readonly iv = new Uint8Array(12);
  private readonly rtcpAad = new Uint8Array(12);
  /** E(J0) ‖ keystream of a stream's next packets in one block-cipher call, when the backend allows. */
  private readonly rtpKeystream: KeystreamCache | undefined;

  constructor(rtp: SessionKeys, rtcp: SessionKeys, crypto: SrtpCryptoProvider) {
    this.rtpGcm = crypto.aesGcm(rtp.encryptionKey);
    this.rtcpGcm = crypto.aesGcm(rtcp.encryptionKey);
    this.rtpSalt = rtp.salt.slice();
    this.rtcpSalt = rtcp.salt.slice();
    const g = this.rtpGcm;
    if (g.encryptBlocks && g.sealWithKeystream && g.openWithKeystream) {
      this.rtpKeystream = new KeystreamCache({ encryptBlocks: (blocks) => g.encryptBlocks!(blocks) }, this.rtpSalt, GCM_LAYOUT);
    }
  }

  /** IV = salt XOR (00 00 || SSRC || a || b) with a, b the 32- and 16-bit halves of §8.1/§9.1. */
  private setIv(salt: Uint8Array, ssrc: number, a: number, b: number): Uint8Array {
    const iv = this.iv;
    iv[0] = salt[0]!; iv[1] = salt[1]!;
    iv[2] = salt[2]! ^ (ssrc >>> 24); iv[3] = salt[3]! ^ ((ssrc >>> 16) & 0xff);
    iv[4] = salt[4]! ^ ((ssrc >>> 8) & 0xff); iv[5] = salt[5]! ^ (ssrc & 0xff);
    iv[6] = salt[6]! ^ (a >>> 24); iv[7] = salt[7]! ^ ((a >>> 16) & 0xff);
    iv[8] = salt[8]! ^ ((a >>> 8) & 0xff); iv[9] = salt[9]! ^ (a & 0xff);
    iv[10] = salt[10]! ^ (b >>> 8); iv[11] = salt[11]! ^ (b & 0xff);
    return iv;
  }

  /** §9.1: 00 00 || SSRC || 00 00 || 0 + 31-bit index. */
  private setRtcpIv(ssrc: number, index: number): Uint8Array {
    return this.setIv(this.rtcpSalt, ssrc, index >>> 16, index & 0xffff);
  }

  protectRtp(buf: Uint8Array, length: number, headerLength: number, ssrc: number, roc: number, seq: number): number {
    const cache = this.rtpKeystream;
    const at = cache ? cache.locate(ssrc, roc, seq, length - headerLength) : -1;
    if (at >= 0) {
      const batch = cache!.found!;
      this.rtpGcm.sealWithKeystream!(batch.keystream, at, batch.words, buf.subarray(0, headerLength), buf, headerLength, length);
      return length + TAG;
    }
    this.rtpGcm.seal(this.setIv(this.rtpSalt, ssrc, roc, seq), buf.subarray(0, headerLength), buf, headerLength, length);
    return length + TAG;
  }

  unprotectRtp(buf: Uint8Array, length: number, headerLength: number, ssrc: number, roc: number, seq: number): number {
    const end = length - TAG;
    const cache = this.rtpKeystream;
    const at = cache ? cache.locate(ssrc, roc, seq, end - headerLength) : -1;
    if (at >= 0) {
      const batch = cache!.found!;
      return this.rtpGcm.openWithKeystream!(batch.keystream, at, batch.words, buf.subarray(0, headerLength), buf, headerLength, end) ? end : -1;
    }
    const ok = this.rtpGcm.open(this.setIv(this.rtpSalt, ssrc, roc, seq), buf.subarray(0, headerLength), buf, headerLength, end);
    return ok ? end : -1;
  }

  protectRtcp(buf: Uint8Array, length: number, ssrc: number, index: number, encrypt = true): number {
    const word = ((encrypt ? 0x80000000 : 0) | index) >>> 0;
    const iv = this.setRtcpIv(ssrc, index);
    if (encrypt) {
      // §9.2: AAD = first 8 octets || ESRTCP word; the packet is header || cipher || word.
      const aad = this.rtcpAad;
      aad.set(buf.subarray(0, 8));
      writeUint32(aad, 8, word);
      this.rtcpGcm.seal(iv, aad, buf, 8, length);
    } else {
      // §9.3: the whole packet is associated data; the cipher is the tag alone.
      const aad = new Uint8Array(length + 4);
      aad.set(buf.subarray(0, length));
      writeUint32(aad, length, word);
      this.rtcpGcm.seal(iv, aad, buf, length, length);
    }
    writeUint32(buf, length + TAG, word);
    return length + TAG + 4;
  }

  unprotectRtcp(buf: Uint8Array, length: number, ssrc: number, index: number, encrypted: boolean): number {
    const iv = this.setRtcpIv(ssrc, index);
    const end = length - 4 - TAG;
    if (encrypted) {
      const aad = this.rtcpAad;
      aad.set(buf.subarray(0, 8));
      aad.set(buf.subarray(length - 4, length), 8);
      return this.rtcpGcm.open(iv, aad, buf, 8, end) ? end : -1;
    }
    const aad = new Uint8Array(end + 4);
    aad.set(buf.subarray(0, end));
    aad.set(buf.subarray(length - 4, length), end);
    return this.rtcpGcm.open(iv, aad, buf, end, end) ? end : -1;
  }
}
