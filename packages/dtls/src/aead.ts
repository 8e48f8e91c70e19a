import { createCipheriv, createDecipheriv } from 'node:crypto';
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { DtlsError } from './errors.js';

/** The AEAD algorithms of the supported cipher suites. */
export type AeadAlgorithm = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

/**
 * The one interface behind which record protection does its bulk crypto. Two backends exist:
 * node:crypto (OpenSSL, several times faster for records) and @noble/ciphers (pure JS); they must
 * agree byte for byte, which the tests check.
 */
export interface Aead {
  /** Returns ciphertext || 16-byte tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Writes ciphertext || 16-byte tag into `out` at `offset` (the record being built: no extra copy). */
  sealInto(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number): void;
  /** Returns the plaintext, or throws DtlsError `bad-record-mac`. */
  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array;
}

/** Makes an {@link Aead} for a key. */
export type AeadFactory = (algorithm: AeadAlgorithm, key: Uint8Array) => Aead;

const TAG = 16;

/** node:crypto backend (the default). */
export const nodeAead: AeadFactory = (algorithm, key) => {
  const k = Buffer.from(key);
  const sealInto = (nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number) => {
    const c = createCipheriv(algorithm, k, nonce, { authTagLength: TAG } as never) as ReturnType<typeof createCipheriv> & {
      setAAD(b: Uint8Array, o?: object): void;
      getAuthTag(): Buffer;
    };
    c.setAAD(aad, { plaintextLength: plaintext.length });
    const a = c.update(plaintext);
    out.set(a, offset);
    const b = c.final();
    if (b.length > 0) out.set(b, offset + a.length);
    out.set(c.getAuthTag(), offset + a.length + b.length);
  };
  return {
    sealInto,
    seal(nonce, aad, plaintext) {
      const out = new Uint8Array(plaintext.length + TAG);
      sealInto(nonce, aad, plaintext, out, 0);
      return out;
    },
    open(nonce, aad, sealed) {
      if (sealed.length < TAG) throw new DtlsError('bad-record-mac', 'ciphertext shorter than tag');
      const d = createDecipheriv(algorithm, k, nonce, { authTagLength: TAG } as never) as ReturnType<typeof createDecipheriv> & {
        setAAD(b: Uint8Array, o?: object): void;
        setAuthTag(b: Uint8Array): void;
      };
      const ctLen = sealed.length - TAG;
      d.setAuthTag(sealed.subarray(ctLen));
      d.setAAD(aad, { plaintextLength: ctLen });
      const a = d.update(sealed.subarray(0, ctLen));
      let b: Buffer;
      try {
        b = d.final();
      } catch {
        throw new DtlsError('bad-record-mac', 'record failed authentication');
      }
      if (b.length === 0) return new Uint8Array(a.buffer, a.byteOffset, a.length);
      const out = new Uint8Array(a.length + b.length);
      out.set(a, 0);
      out.set(b, a.length);
      return out;
    },
  };
};

/** @noble/ciphers backend (pure JS). */
export const nobleAead: AeadFactory = (algorithm, key) => {
  const make = (nonce: Uint8Array, aad: Uint8Array) =>
    algorithm === 'chacha20-poly1305' ? chacha20poly1305(key, nonce, aad) : gcm(key, nonce, aad);
  return {
    seal: (nonce, aad, plaintext) => make(nonce, aad).encrypt(plaintext),
    sealInto: (nonce, aad, plaintext, out, offset) => out.set(make(nonce, aad).encrypt(plaintext), offset),
    open(nonce, aad, sealed) {
      if (sealed.length < TAG) throw new DtlsError('bad-record-mac', 'ciphertext shorter than tag');
      try {
        return make(nonce, aad).decrypt(sealed);
      } catch {
        throw new DtlsError('bad-record-mac', 'record failed authentication');
      }
    },
  };
};
