import { srtpProfileParameters, type SrtpProtectionProfile } from './protection-profile.js';
import { SrtpError } from './srtp-error.js';

/**
 * The four secrets DTLS-SRTP derives for a session (RFC 5764 §4.2): each side's master key and
 * master salt. The client protects with the client pair, the server with the server pair.
 */
export interface SrtpKeyingMaterial {
  /** Master key the DTLS client protects with. */
  readonly clientWriteKey: Uint8Array;
  /** Master key the DTLS server protects with. */
  readonly serverWriteKey: Uint8Array;
  /** Master salt the DTLS client protects with. */
  readonly clientWriteSalt: Uint8Array;
  /** Master salt the DTLS server protects with. */
  readonly serverWriteSalt: Uint8Array;
}

/** How many bytes to ask the `EXTRACTOR-dtls_srtp` exporter for: 2 × (key + salt). */
export function srtpKeyingMaterialLength(profile: SrtpProtectionProfile): number {
  const p = srtpProfileParameters(profile);
  return 2 * (p.keyLength + p.saltLength);
}

/**
 * Splits the `EXTRACTOR-dtls_srtp` exporter output (60 bytes for AES-CM, 56 for AES-128-GCM, 88 for
 * AES-256-GCM) into client key, server key, client salt, server salt, in that order (RFC 5764 §4.2).
 * The results are views into `material`.
 * @throws {@link SrtpError} `bad-key-length` when `material` is not exactly that long.
 */
export function splitKeyingMaterial(profile: SrtpProtectionProfile, material: Uint8Array): SrtpKeyingMaterial {
  const { keyLength: k, saltLength: s } = srtpProfileParameters(profile);
  if (material.length !== 2 * (k + s)) {
    throw new SrtpError('bad-key-length', `${profile} needs ${2 * (k + s)} bytes of keying material, got ${material.length}`);
  }
  return {
    clientWriteKey: material.subarray(0, k),
    serverWriteKey: material.subarray(k, 2 * k),
    clientWriteSalt: material.subarray(2 * k, 2 * k + s),
    serverWriteSalt: material.subarray(2 * k + s, 2 * k + 2 * s),
  };
}
