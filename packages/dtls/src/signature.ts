import { constants, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { DtlsError } from './errors.js';
import { SignatureScheme } from './constants.js';
import { nobleCurves } from './noble-curves.js';

/**
 * The seam behind which ECDSA P-256 with SHA-256 runs (the WebRTC certificate key). Two backends
 * exist: {@link nodeSignatures} (OpenSSL, the default) and {@link nobleSignatures} (@noble/curves,
 * pure JS); a signature made by either verifies with the other, which the tests check. RSA stays
 * on node:crypto whichever backend is chosen: @noble/curves has no RSA.
 */
export interface SignatureBackend {
  /** Signs `data` (hashed with SHA-256 inside) with a raw 32-byte P-256 scalar; DER signature. */
  signEcdsaP256(secretKey: Uint8Array, data: Uint8Array): Uint8Array;
  /**
   * Verifies a DER signature over `data` with an uncompressed P-256 point; false for any mismatch,
   * malformed signature or invalid point. Accepts high-S signatures: OpenSSL makes them half the time.
   */
  verifyEcdsaP256(point: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean;
}

/** A private key that can sign handshake data. */
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

// SEC1 ECPrivateKey (RFC 5915) prefix for a P-256 key without the optional public key:
// SEQUENCE { INTEGER 1, OCTET STRING (32) d, [0] prime256v1 }; OpenSSL derives the public key.
const SEC1_PREFIX = Uint8Array.of(0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20);
const SEC1_SUFFIX = Uint8Array.of(0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07);

/** One KeyObject per secret key: a certificate signs once per handshake, for its whole life. */
const ecKeyObjects = new WeakMap<Uint8Array, KeyObject>();
/** One KeyObject per peer point taken from a certificate (parsed once, verified against once). */
const ecPublicKeyObjects = new WeakMap<Uint8Array, KeyObject>();

/** Remembers the node:crypto key of a P-256 scalar made by node:crypto (no re-import needed). */
export function rememberEcKeyObject(secretKey: Uint8Array, key: KeyObject): void {
  ecKeyObjects.set(secretKey, key);
}

/** The node:crypto private key of a raw P-256 scalar (cached per scalar). */
export function ecPrivateKeyObject(secretKey: Uint8Array): KeyObject {
  let key = ecKeyObjects.get(secretKey);
  if (key === undefined) {
    if (secretKey.length !== 32) throw new DtlsError('invalid-argument', 'a P-256 secret key has 32 bytes');
    const der = Buffer.concat([SEC1_PREFIX, secretKey, SEC1_SUFFIX]);
    try {
      key = createPrivateKey({ key: der, format: 'der', type: 'sec1' });
    } catch (e) {
      throw new DtlsError('invalid-argument', `invalid P-256 secret key: ${(e as Error).message}`);
    }
    ecKeyObjects.set(secretKey, key);
  }
  return key;
}

/** The node:crypto public key of an uncompressed P-256 point; throws when it is not on the curve. */
export function ecPublicKeyObject(point: Uint8Array): KeyObject {
  let key = ecPublicKeyObjects.get(point);
  if (key === undefined) {
    if (point.length !== 65 || point[0] !== 4) throw new Error('not an uncompressed P-256 point');
    // A JWK imports in a third of the time of the same key as SPKI DER (OpenSSL 3's decoders),
    // and is checked to be on the curve all the same.
    const x = Buffer.from(point.buffer, point.byteOffset + 1, 32).toString('base64url');
    const y = Buffer.from(point.buffer, point.byteOffset + 33, 32).toString('base64url');
    key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
    ecPublicKeyObjects.set(point, key);
  }
  return key;
}

/**
 * node:crypto backend (OpenSSL; the default): the profile of connection setup showed ECDSA sign and
 * verify in pure JS taking ~15 ms of a ~25 ms loopback handshake; OpenSSL does both in ~0.1 ms.
 */
export const nodeSignatures: SignatureBackend = {
  signEcdsaP256: (secretKey, data) => nodeSign('sha256', data, { key: ecPrivateKeyObject(secretKey), dsaEncoding: 'der' }),
  verifyEcdsaP256(point, data, signature) {
    try {
      return nodeVerify('sha256', data, { key: ecPublicKeyObject(point), dsaEncoding: 'der' }, signature);
    } catch {
      return false;
    }
  },
};

/**
 * @noble/curves backend (pure JS): `p256.sign`/`p256.verify` with prehash (SHA-256) and DER.
 * It signs low-S, which every verifier accepts; it verifies with `lowS: false`, because OpenSSL
 * (so most peers) signs with a random k and leaves s high about half the time, and noble's default
 * would refuse those. Signing is hedged (RFC 6979 k mixed with fresh randomness), as OpenSSL's is.
 */
export const nobleSignatures: SignatureBackend = {
  signEcdsaP256(secretKey, data) {
    if (secretKey.length !== 32) throw new DtlsError('invalid-argument', 'a P-256 secret key has 32 bytes');
    return nobleCurves().p256.sign(data, secretKey, { format: 'der', prehash: true, lowS: true, extraEntropy: true });
  },
  verifyEcdsaP256(point, data, signature) {
    if (point.length !== 65 || point[0] !== 4) return false;
    try {
      return nobleCurves().p256.verify(signature, data, point, { format: 'der', prehash: true, lowS: false });
    } catch {
      return false;
    }
  },
};

/** Signs `data` (the whole signed content; hashing is part of the scheme); RSA always on node:crypto. */
export function signData(key: PrivateKey, scheme: number, data: Uint8Array, backend: SignatureBackend = nodeSignatures): Uint8Array {
  if (key.type === 'ecdsa-p256') {
    if (scheme !== SignatureScheme.ecdsa_secp256r1_sha256) throw new DtlsError('handshake-failure', 'scheme does not fit the ECDSA key');
    return backend.signEcdsaP256(key.secretKey, data);
  }
  if (scheme === SignatureScheme.rsa_pkcs1_sha256) return nodeSign('sha256', data, { key: key.key, padding: constants.RSA_PKCS1_PADDING });
  if (scheme === SignatureScheme.rsa_pss_rsae_sha256)
    return nodeSign('sha256', data, { key: key.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  throw new DtlsError('handshake-failure', 'scheme does not fit the RSA key');
}

/** Verifies a signature; returns false for any mismatch or malformed signature. RSA always on node:crypto. */
export function verifyData(key: PublicKey, scheme: number, data: Uint8Array, signature: Uint8Array, backend: SignatureBackend = nodeSignatures): boolean {
  try {
    if (key.type === 'ecdsa-p256') {
      if (scheme !== SignatureScheme.ecdsa_secp256r1_sha256) return false;
      return backend.verifyEcdsaP256(key.point, data, signature);
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
