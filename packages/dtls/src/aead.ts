import { createCipheriv, createDecipheriv, createSecretKey } from 'node:crypto';
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

/**
 * node:crypto backend (the default). OpenSSL's GCM cannot be rewound to a new IV through node's
 * API, so each record still gets its own cipher object; what is per key is made once: a
 * `KeyObject` (no key copy and import per record), and GCM gets no options object (its tag is 16
 * bytes by default, and `setAAD` needs no length outside CCM): both measured faster per record.
 */
export const nodeAead: AeadFactory = (algorithm, key) => {
  const k = createSecretKey(key);
  // ChaCha20-Poly1305 keeps the explicit tag length (node wants it spelled out for that mode).
  const options = algorithm === 'chacha20-poly1305' ? ({ authTagLength: TAG } as never) : undefined;
  const cipher = (nonce: Uint8Array) =>
    (options ? createCipheriv(algorithm, k, nonce, options) : createCipheriv(algorithm, k, nonce)) as ReturnType<typeof createCipheriv> & {
      setAAD(b: Uint8Array): void;
      getAuthTag(): Buffer;
    };
  const decipher = (nonce: Uint8Array) =>
    (options ? createDecipheriv(algorithm, k, nonce, options) : createDecipheriv(algorithm, k, nonce)) as ReturnType<typeof createDecipheriv> & {
      setAAD(b: Uint8Array): void;
      setAuthTag(b: Uint8Array): void;
    };
  const sealInto = (nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number) => {
    const c = cipher(nonce);
    c.setAAD(aad);
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
      const d = decipher(nonce);
      const ctLen = sealed.length - TAG;
      d.setAuthTag(sealed.subarray(ctLen));
      d.setAAD(aad);
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
