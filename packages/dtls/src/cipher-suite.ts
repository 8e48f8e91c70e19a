import type { AeadAlgorithm } from './aead.js';
import type { PrfHash } from './prf.js';

/** What a negotiated cipher suite means for the key schedule and record protection. */
export interface CipherSuite {
  /** IANA number. */
  id: number;
  /** IANA name. */
  name: string;
  /** Certificate type the server must have. */
  authentication: 'ecdsa' | 'rsa';
  aead: AeadAlgorithm;
  prfHash: PrfHash;
  keyLength: number;
  /** Length of the fixed (implicit) IV taken from the key block. */
  fixedIvLength: number;
}

/** The suites this implementation offers, in preference order. */
export const CIPHER_SUITES: readonly CipherSuite[] = [
  { id: 0xc02b, name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', authentication: 'ecdsa', aead: 'aes-128-gcm', prfHash: 'sha256', keyLength: 16, fixedIvLength: 4 },
  { id: 0xc02c, name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', authentication: 'ecdsa', aead: 'aes-256-gcm', prfHash: 'sha384', keyLength: 32, fixedIvLength: 4 },
  { id: 0xc02f, name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', authentication: 'rsa', aead: 'aes-128-gcm', prfHash: 'sha256', keyLength: 16, fixedIvLength: 4 },
  { id: 0xcca9, name: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', authentication: 'ecdsa', aead: 'chacha20-poly1305', prfHash: 'sha256', keyLength: 32, fixedIvLength: 12 },
];

/** Looks up a supported suite by number. */
export function cipherSuiteById(id: number): CipherSuite | undefined {
  return CIPHER_SUITES.find((s) => s.id === id);
}
