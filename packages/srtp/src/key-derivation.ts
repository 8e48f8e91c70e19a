import type { SrtpCryptoProvider } from './crypto-provider.js';
import type { SrtpProfileParameters } from './protection-profile.js';
import { SrtpError } from './srtp-error.js';

/** Key derivation labels (RFC 3711 §4.3.1 and §4.3.2). */
export const KeyDerivationLabel = {
  SrtpEncryption: 0x00,
  SrtpAuthentication: 0x01,
  SrtpSalt: 0x02,
  SrtcpEncryption: 0x03,
  SrtcpAuthentication: 0x04,
  SrtcpSalt: 0x05,
} as const;

/** One of the six labels. */
export type KeyDerivationLabel = (typeof KeyDerivationLabel)[keyof typeof KeyDerivationLabel];

/** The session keys of one direction, for RTP or for RTCP. */
export interface SessionKeys {
  /** Session encryption key (k_e). */
  readonly encryptionKey: Uint8Array;
  /** Session salt (k_s). */
  readonly salt: Uint8Array;
  /** Session authentication key (k_a); empty for AEAD profiles. */
  readonly authenticationKey: Uint8Array;
}

/**
 * The AES-CM PRF of RFC 3711 §4.3.3 with key_derivation_rate 0: `length` bytes of AES-CM
 * keystream under the master key, with IV = (master_salt XOR (label << 48)) << 16.
 * A 12-byte (AEAD) master salt is zero-padded to 14 bytes, as libsrtp does (RFC 7714 §11).
 */
export function deriveSessionKey(
  crypto: SrtpCryptoProvider,
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  label: KeyDerivationLabel,
  length: number,
): Uint8Array {
  if (masterKey.length !== 16 && masterKey.length !== 32) throw new SrtpError('bad-key-length', 'master key must be 16 or 32 bytes');
  if (masterSalt.length > 14) throw new SrtpError('bad-key-length', 'master salt longer than 14 bytes');
  const iv = new Uint8Array(16);
  iv.set(masterSalt);
  // key_id = label || (index DIV kdr); with kdr 0 the 48-bit r is zero, so only the label
  // lands, at byte 7 of the 14-byte salt-aligned value.
  iv[7] = iv[7]! ^ label;
  const out = new Uint8Array(length);
  crypto.aesCounterMode(masterKey).xorKeystream(iv, out, 0, length);
  return out;
}

/** Derives the SRTP (labels 0–2) or SRTCP (labels 3–5) session keys for one master key/salt. */
export function deriveSessionKeys(
  crypto: SrtpCryptoProvider,
  profile: SrtpProfileParameters,
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  forRtcp: boolean,
): SessionKeys {
  if (masterKey.length !== profile.keyLength) {
    throw new SrtpError('bad-key-length', `${profile.name} needs a ${profile.keyLength}-byte master key, got ${masterKey.length}`);
  }
  if (masterSalt.length !== profile.saltLength) {
    throw new SrtpError('bad-key-length', `${profile.name} needs a ${profile.saltLength}-byte master salt, got ${masterSalt.length}`);
  }
  const base = forRtcp ? 3 : 0;
  return {
    encryptionKey: deriveSessionKey(crypto, masterKey, masterSalt, (base + KeyDerivationLabel.SrtpEncryption) as KeyDerivationLabel, profile.keyLength),
    authenticationKey: profile.authKeyLength > 0
      ? deriveSessionKey(crypto, masterKey, masterSalt, (base + KeyDerivationLabel.SrtpAuthentication) as KeyDerivationLabel, profile.authKeyLength)
      : new Uint8Array(0),
    salt: deriveSessionKey(crypto, masterKey, masterSalt, (base + KeyDerivationLabel.SrtpSalt) as KeyDerivationLabel, profile.saltLength),
  };
}
