import { constants, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { DtlsError } from './errors.js';
import { SignatureScheme } from './constants.js';

/** A private key that can sign handshake data. ECDSA P-256 uses @noble/curves; RSA uses node:crypto. */
export type PrivateKey = { type: 'ecdsa-p256'; secretKey: Uint8Array } | { type: 'rsa'; key: KeyObject };

/** A peer public key taken from its certificate. */
export type PublicKey = { type: 'ecdsa-p256'; point: Uint8Array } | { type: 'rsa'; spki: Uint8Array };

/** The signature schemes a key can make, in preference order. */
export function schemesForKey(type: PrivateKey['type'] | PublicKey['type']): number[] {
  return type === 'ecdsa-p256'
    ? [SignatureScheme.ecdsa_secp256r1_sha256]
    : [SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pkcs1_sha256];
}

/** Picks the first of our key's schemes the peer accepts, or throws `handshake-failure`. */
export function chooseScheme(key: PrivateKey, peerAccepts: number[] | undefined): number {
  const ours = schemesForKey(key.type);
  // RFC 5246 §7.4.1.4.1: without the extension, sha1 would be implied; we require sha256 anyway.
  if (peerAccepts === undefined) return ours[ours.length - 1]!;
  const s = ours.find((x) => peerAccepts.includes(x));
  if (s === undefined) throw new DtlsError('handshake-failure', 'no signature scheme in common');
  return s;
}

/** Signs `data` (the whole signed content; hashing is part of the scheme). */
export function signData(key: PrivateKey, scheme: number, data: Uint8Array): Uint8Array {
  if (key.type === 'ecdsa-p256') {
    if (scheme !== SignatureScheme.ecdsa_secp256r1_sha256) throw new DtlsError('handshake-failure', 'scheme does not fit the ECDSA key');
    return p256.sign(data, key.secretKey, { prehash: true, format: 'der' });
  }
  if (scheme === SignatureScheme.rsa_pkcs1_sha256) return nodeSign('sha256', data, { key: key.key, padding: constants.RSA_PKCS1_PADDING });
  if (scheme === SignatureScheme.rsa_pss_rsae_sha256)
    return nodeSign('sha256', data, { key: key.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  throw new DtlsError('handshake-failure', 'scheme does not fit the RSA key');
}

/** Verifies a signature; returns false for any mismatch or malformed signature. */
export function verifyData(key: PublicKey, scheme: number, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (key.type === 'ecdsa-p256') {
      if (scheme !== SignatureScheme.ecdsa_secp256r1_sha256) return false;
      return p256.verify(signature, data, key.point, { prehash: true, format: 'der', lowS: false });
    }
    const pub = createPublicKey({ key: Buffer.from(key.spki), format: 'der', type: 'spki' });
    if (scheme === SignatureScheme.rsa_pkcs1_sha256) return nodeVerify('sha256', data, { key: pub, padding: constants.RSA_PKCS1_PADDING }, signature);
    if (scheme === SignatureScheme.rsa_pss_rsae_sha256)
      return nodeVerify('sha256', data, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
    return false;
  } catch {
    return false;
  }
}
