import { x25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { DtlsError } from './errors.js';
import { NamedGroup } from './constants.js';

/** An ephemeral ECDH key pair for one handshake (ECDHE, RFC 8422). */
export interface EphemeralKey {
  group: number;
  secretKey: Uint8Array;
  /** The public value as sent: 32 bytes for X25519, uncompressed 65-byte point for P-256. */
  publicKey: Uint8Array;
}

/** Groups this implementation offers, in preference order. */
export const SUPPORTED_GROUPS = [NamedGroup.x25519, NamedGroup.secp256r1];

/** Generates an ephemeral key for a group. */
export function generateEphemeralKey(group: number): EphemeralKey {
  if (group === NamedGroup.x25519) {
    const secretKey = x25519.utils.randomSecretKey();
    return { group, secretKey, publicKey: x25519.getPublicKey(secretKey) };
  }
  if (group === NamedGroup.secp256r1) {
    const secretKey = p256.utils.randomSecretKey();
    return { group, secretKey, publicKey: p256.getPublicKey(secretKey, false) };
  }
  throw new DtlsError('handshake-failure', `group ${group} not supported`);
}

/**
 * The premaster secret: the X25519 output, or the x-coordinate of the P-256 shared point
 * (RFC 8422 §5.10). Throws `malformed` (illegal_parameter) on an invalid peer key.
 */
export function computePreMasterSecret(key: EphemeralKey, peerPublic: Uint8Array): Uint8Array {
  try {
    if (key.group === NamedGroup.x25519) {
      if (peerPublic.length !== 32) throw new Error('length');
      const s = x25519.getSharedSecret(key.secretKey, peerPublic);
      if (s.every((x) => x === 0)) throw new Error('all-zero shared secret');
      return s;
    }
    if (peerPublic.length !== 65 || peerPublic[0] !== 4) throw new Error('only uncompressed points');
    return p256.getSharedSecret(key.secretKey, peerPublic, true).slice(1);
  } catch (e) {
    throw new DtlsError('malformed', `invalid ECDH public key: ${(e as Error).message}`, 47);
  }
}
