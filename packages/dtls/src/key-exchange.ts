import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync, type ECDH, type KeyObject } from 'node:crypto';
import { DtlsError } from './errors.js';
import { NamedGroup } from './constants.js';

// ECDHE runs on node:crypto (OpenSSL): in pure JS, X25519 and P-256 took ~5 ms a handshake here
// (the connection-setup profile), against well under 0.1 ms in OpenSSL.

/** An ephemeral ECDH key pair for one handshake (ECDHE, RFC 8422). */
export interface EphemeralKey {
  group: number;
  /** The public value as sent: 32 bytes for X25519, uncompressed 65-byte point for P-256. */
  publicKey: Uint8Array;
  /** The private half, kept inside node:crypto. */
  readonly secret: { readonly x25519: KeyObject } | { readonly p256: ECDH };
}

/** Groups this implementation offers, in preference order. */
export const SUPPORTED_GROUPS = [NamedGroup.x25519, NamedGroup.secp256r1];

/** Generates an ephemeral key for a group. */
export function generateEphemeralKey(group: number): EphemeralKey {
  if (group === NamedGroup.x25519) {
    const { privateKey, publicKey } = generateKeyPairSync('x25519');
    const x = publicKey.export({ format: 'jwk' }).x;
    if (x === undefined) throw new DtlsError('handshake-failure', 'X25519 key without a public value');
    return { group, publicKey: new Uint8Array(Buffer.from(x, 'base64url')), secret: { x25519: privateKey } };
  }
  if (group === NamedGroup.secp256r1) {
    const ecdh = createECDH('prime256v1');
    const publicKey = new Uint8Array(ecdh.generateKeys());
    return { group, publicKey, secret: { p256: ecdh } };
  }
  throw new DtlsError('handshake-failure', `group ${group} not supported`);
}

/**
 * The premaster secret: the X25519 output, or the x-coordinate of the P-256 shared point
 * (RFC 8422 §5.10). Throws `malformed` (illegal_parameter) on an invalid peer key.
 */
export function computePreMasterSecret(key: EphemeralKey, peerPublic: Uint8Array): Uint8Array {
  try {
    if ('x25519' in key.secret) {
      if (peerPublic.length !== 32) throw new Error('length');
      const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(peerPublic).toString('base64url') }, format: 'jwk' });
      const s = new Uint8Array(diffieHellman({ privateKey: key.secret.x25519, publicKey }));
      // RFC 8422 §5.11: an all-zero X25519 output means a low-order peer point.
      if (s.every((x) => x === 0)) throw new Error('all-zero shared secret');
      return s;
    }
    if (peerPublic.length !== 65 || peerPublic[0] !== 4) throw new Error('only uncompressed points');
    // computeSecret checks the point is on the curve and returns the x-coordinate.
    return new Uint8Array(key.secret.p256.computeSecret(peerPublic));
  } catch (e) {
    throw new DtlsError('malformed', `invalid ECDH public key: ${(e as Error).message}`, 47);
  }
}
