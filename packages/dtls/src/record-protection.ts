import type { Aead, AeadAlgorithm, AeadFactory } from './aead.js';
import { DtlsError } from './errors.js';
import { DTLS1_2 } from './constants.js';

/**
 * AEAD protection of records for one direction of one epoch (RFC 5246 §6.2.3.3, RFC 5288 for
 * AES-GCM with an 8-byte explicit nonce, RFC 7905 for ChaCha20-Poly1305 with an XOR nonce).
 * The additional data is seq_num(epoch‖sequence) ‖ type ‖ version ‖ length.
 */
export class RecordProtection {
  private readonly aead: Aead;
  private readonly iv: Uint8Array;
  private readonly explicitNonce: boolean;
  private readonly nonce = new Uint8Array(12);
  private readonly aad = new Uint8Array(13);

  constructor(algorithm: AeadAlgorithm, key: Uint8Array, iv: Uint8Array, factory: AeadFactory) {
    this.aead = factory(algorithm, key);
    this.explicitNonce = algorithm !== 'chacha20-poly1305';
    const ivLength = this.explicitNonce ? 4 : 12;
    if (iv.length !== ivLength) throw new DtlsError('invalid-argument', `iv must be ${ivLength} bytes`);
    this.iv = iv.slice();
  }

  /** Bytes a record grows by when sealed: explicit nonce (GCM) and tag. */
  get overhead(): number {
    return (this.explicitNonce ? 8 : 0) + 16;
  }

  private fill(type: number, epoch: number, seq: number, length: number, version: number): void {
    const a = this.aad;
    const hi = Math.floor(seq / 0x1_0000_0000);
    const lo = seq >>> 0;
    a[0] = epoch >>> 8;
    a[1] = epoch & 0xff;
    a[2] = hi >>> 8;
    a[3] = hi & 0xff;
    a[4] = lo >>> 24;
    a[5] = (lo >>> 16) & 0xff;
    a[6] = (lo >>> 8) & 0xff;
    a[7] = lo & 0xff;
    a[8] = type;
    a[9] = version >>> 8;
    a[10] = version & 0xff;
    a[11] = length >>> 8;
    a[12] = length & 0xff;
    const n = this.nonce;
    if (this.explicitNonce) {
      n.set(this.iv, 0);
      n.set(a.subarray(0, 8), 4);
    } else {
      n.set(this.iv, 0);
      for (let i = 0; i < 8; i++) n[4 + i]! ^= a[i]!;
      // n[4+i] was iv[4+i]; the XOR above mixes the 64-bit seq_num into the low 8 bytes.
    }
  }

  /** Seals a plaintext fragment; the explicit nonce is the record's epoch‖sequence (unique per key). */
  seal(type: number, epoch: number, seq: number, plaintext: Uint8Array): Uint8Array {
    this.fill(type, epoch, seq, plaintext.length, DTLS1_2);
    const sealed = this.aead.seal(this.nonce, this.aad, plaintext);
    if (!this.explicitNonce) return sealed;
    const out = new Uint8Array(8 + sealed.length);
    out.set(this.aad.subarray(0, 8), 0);
    out.set(sealed, 8);
    return out;
  }

  /**
   * Seals a plaintext fragment straight into a record buffer at `offset` (after the header);
   * `out` must have room for {@link overhead} + plaintext bytes.
   */
  sealInto(type: number, epoch: number, seq: number, plaintext: Uint8Array, out: Uint8Array, offset: number): void {
    this.fill(type, epoch, seq, plaintext.length, DTLS1_2);
    if (this.explicitNonce) {
      out.set(this.aad.subarray(0, 8), offset);
      this.aead.sealInto(this.nonce, this.aad, plaintext, out, offset + 8);
    } else {
      this.aead.sealInto(this.nonce, this.aad, plaintext, out, offset);
    }
  }

  /** Opens a record fragment; throws DtlsError `bad-record-mac` if it does not authenticate. */
  open(type: number, epoch: number, seq: number, version: number, fragment: Uint8Array): Uint8Array {
    const explicit = this.explicitNonce ? 8 : 0;
    if (fragment.length < explicit + 16) throw new DtlsError('bad-record-mac', 'record shorter than AEAD overhead');
    const plainLength = fragment.length - explicit - 16;
    this.fill(type, epoch, seq, plainLength, version);
    if (this.explicitNonce) this.nonce.set(fragment.subarray(0, 8), 4);
    return this.aead.open(this.nonce, this.aad, fragment.subarray(explicit));
  }
}
