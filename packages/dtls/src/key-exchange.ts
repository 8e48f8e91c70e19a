import { createECDH, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { DtlsError } from './errors.js';
import { NamedGroup } from './constants.js';
import { nobleCurves } from './noble-curves.js';

/** An ephemeral ECDH key pair for one handshake (ECDHE, RFC 8422). */
export interface EphemeralKey {
  readonly group: number;
  /** The public value as sent: 32 bytes for X25519, uncompressed 65-byte point for P-256. */
  readonly publicKey: Uint8Array;
  /**
   * The premaster secret with the peer's public value: the X25519 output, or the x-coordinate of
   * the P-256 shared point (RFC 8422 §5.10). Throws DtlsError `malformed` (illegal_parameter)
   * for a wrong length, a compressed or off-curve point, or an all-zero X25519 output.
   */
  computePreMasterSecret(peerPublic: Uint8Array): Uint8Array;
}

/**
 * The seam behind which ECDHE runs. Two backends exist: {@link nodeKeyExchange} (OpenSSL, the
 * default) and {@link nobleKeyExchange} (@noble/curves, pure JS); both validate peer keys the same
 * way and give the same premaster secret, which the tests check.
 */
export interface KeyExchangeBackend {
  /** Generates a fresh ephemeral key for a group (X25519 or secp256r1). */
  generateKey(group: number): EphemeralKey;
  /** The key of a known secret (32 bytes for either group): for test vectors and cross checks. */
  importKey(group: number, secretKey: Uint8Array): EphemeralKey;
}

/** Groups this implementation offers, in preference order. */
export const SUPPORTED_GROUPS = [NamedGroup.x25519, NamedGroup.secp256r1];

/** Generates an ephemeral key for a group with a backend. */
export function generateEphemeralKey(group: number, backend: KeyExchangeBackend = nodeKeyExchange): EphemeralKey {
  return backend.generateKey(group);
}

/** The premaster secret of an ephemeral key and the peer's public value (see {@link EphemeralKey}). */
export function computePreMasterSecret(key: EphemeralKey, peerPublic: Uint8Array): Uint8Array {
  return key.computePreMasterSecret(peerPublic);
}

const unsupported = (group: number) => new DtlsError('handshake-failure', `group ${group} not supported`);

/**
 * The checks both backends share, around the backend's own arithmetic: so a peer key one backend
 * refuses, the other refuses too, with the same error.
 */
function derive(group: number, peerPublic: Uint8Array, compute: (peer: Uint8Array) => Uint8Array): Uint8Array {
  try {
    if (group === NamedGroup.x25519) {
      if (peerPublic.length !== 32) throw new Error('an X25519 key has 32 bytes');
      const s = compute(peerPublic);
      // RFC 8422 §5.11: an all-zero X25519 output means a low-order peer point.
      if (s.every((x) => x === 0)) throw new Error('all-zero shared secret');
      return s;
    }
    // RFC 8422 §5.1.2: uncompressed points only (we offer no other ec_point_format).
    if (peerPublic.length !== 65 || peerPublic[0] !== 4) throw new Error('only uncompressed points');
    return compute(peerPublic);
  } catch (e) {
    throw new DtlsError('malformed', `invalid ECDH public key: ${(e as Error).message}`, 47);
  }
}

// PKCS#8 PrivateKeyInfo prefix of a raw X25519 key (RFC 8410): node imports raw keys no other way.
const X25519_PKCS8_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20);

function nodeX25519Key(privateKey: KeyObject, publicKeyObject: KeyObject): EphemeralKey {
  const x = publicKeyObject.export({ format: 'jwk' }).x;
  if (x === undefined) throw new DtlsError('handshake-failure', 'X25519 key without a public value');
  return {
    group: NamedGroup.x25519,
    publicKey: new Uint8Array(Buffer.from(x, 'base64url')),
    computePreMasterSecret: (peerPublic) =>
      derive(NamedGroup.x25519, peerPublic, (peer) => {
        const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(peer).toString('base64url') }, format: 'jwk' });
        return new Uint8Array(diffieHellman({ privateKey, publicKey }));
      }),
  };
}

function nodeP256Key(ecdh: ReturnType<typeof createECDH>): EphemeralKey {
  return {
    group: NamedGroup.secp256r1,
    publicKey: new Uint8Array(ecdh.getPublicKey()),
    // computeSecret checks the point is on the curve and returns the x-coordinate.
    computePreMasterSecret: (peerPublic) => derive(NamedGroup.secp256r1, peerPublic, (peer) => new Uint8Array(ecdh.computeSecret(peer))),
  };
}

/**
 * node:crypto backend (OpenSSL; the default): in pure JS, X25519 and P-256 took ~5 ms a handshake
 * here (the connection-setup profile), against well under 0.1 ms in OpenSSL.
 */
export const nodeKeyExchange: KeyExchangeBackend = {
  generateKey(group) {
    if (group === NamedGroup.x25519) {
      const { privateKey, publicKey } = generateKeyPairSync('x25519');
      return nodeX25519Key(privateKey, publicKey);
    }
    if (group === NamedGroup.secp256r1) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      return nodeP256Key(ecdh);
    }
    throw unsupported(group);
  },
  importKey(group, secretKey) {
    if (secretKey.length !== 32) throw new DtlsError('invalid-argument', 'an ECDH secret key has 32 bytes');
    if (group === NamedGroup.x25519) {
      const privateKey = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, secretKey]), format: 'der', type: 'pkcs8' });
      return nodeX25519Key(privateKey, createPublicKey(privateKey));
    }
    if (group === NamedGroup.secp256r1) {
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(secretKey);
      return nodeP256Key(ecdh);
    }
    throw unsupported(group);
  },
};

/**
 * @noble/curves backend (pure JS, audited, no OpenSSL): `x25519` and `p256` from @noble/curves.
 * Same validation as {@link nodeKeyExchange}; @noble/curves itself also refuses low-order X25519
 * points and off-curve P-256 points.
 */
export const nobleKeyExchange: KeyExchangeBackend = {
  generateKey(group) {
    if (group === NamedGroup.x25519) return nobleKeyExchange.importKey(group, nobleCurves().x25519.utils.randomSecretKey());
    if (group === NamedGroup.secp256r1) return nobleKeyExchange.importKey(group, nobleCurves().p256.utils.randomSecretKey());
    throw unsupported(group);
  },
  importKey(group, secretKey) {
    if (secretKey.length !== 32) throw new DtlsError('invalid-argument', 'an ECDH secret key has 32 bytes');
    if (group === NamedGroup.x25519) {
      return {
        group,
        publicKey: nobleCurves().x25519.getPublicKey(secretKey),
        computePreMasterSecret: (peerPublic) => derive(group, peerPublic, (peer) => nobleCurves().x25519.getSharedSecret(secretKey, peer)),
      };
    }
    if (group === NamedGroup.secp256r1) {
      if (!nobleCurves().p256.utils.isValidSecretKey(secretKey)) throw new DtlsError('invalid-argument', 'not a P-256 secret key');
      return {
        group,
        publicKey: nobleCurves().p256.getPublicKey(secretKey, false),
        // getSharedSecret checks the point is on the curve; the shared point comes uncompressed
        // (0x04 ‖ x ‖ y) and the premaster secret is its x-coordinate.
        computePreMasterSecret: (peerPublic) => derive(group, peerPublic, (peer) => nobleCurves().p256.getSharedSecret(secretKey, peer, false).slice(1, 33)),
      };
    }
    throw unsupported(group);
  },
};
