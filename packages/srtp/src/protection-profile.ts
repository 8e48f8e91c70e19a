import { SrtpError } from './srtp-error.js';

/**
 * The SRTP protection profiles this package implements, by their DTLS-SRTP names
 * (RFC 5764 §4.1.2, RFC 7714 §14.2).
 */
export type SrtpProtectionProfile =
  | 'SRTP_AES128_CM_HMAC_SHA1_80'
  | 'SRTP_AES128_CM_HMAC_SHA1_32'
  | 'SRTP_AEAD_AES_128_GCM'
  | 'SRTP_AEAD_AES_256_GCM';

/** The transform parameters a protection profile fixes. */
export interface SrtpProfileParameters {
  /** The profile's name. */
  readonly name: SrtpProtectionProfile;
  /** Its two-byte identifier in the DTLS `use_srtp` extension. */
  readonly id: number;
  /** `AES-CM` + HMAC-SHA1 (RFC 3711) or AEAD AES-GCM (RFC 7714). */
  readonly kind: 'aes-cm-hmac-sha1' | 'aead-aes-gcm';
  /** Master key and session encryption key length, in bytes. */
  readonly keyLength: number;
  /** Master salt and session salt length, in bytes (14 for AES-CM, 12 for GCM). */
  readonly saltLength: number;
  /** Session authentication key length in bytes (0 for AEAD). */
  readonly authKeyLength: number;
  /** Authentication tag length on SRTP packets, in bytes. */
  readonly srtpAuthTagLength: number;
  /** Authentication tag length on SRTCP packets, in bytes (10 even for the `_32` profile). */
  readonly srtcpAuthTagLength: number;
}

const PROFILES: Record<SrtpProtectionProfile, SrtpProfileParameters> = {
  SRTP_AES128_CM_HMAC_SHA1_80: {
    name: 'SRTP_AES128_CM_HMAC_SHA1_80', id: 0x0001, kind: 'aes-cm-hmac-sha1',
    keyLength: 16, saltLength: 14, authKeyLength: 20, srtpAuthTagLength: 10, srtcpAuthTagLength: 10,
  },
  // RFC 5764 §4.1.2: the _32 profile shortens the SRTP tag only; SRTCP keeps 80 bits.
  SRTP_AES128_CM_HMAC_SHA1_32: {
    name: 'SRTP_AES128_CM_HMAC_SHA1_32', id: 0x0002, kind: 'aes-cm-hmac-sha1',
    keyLength: 16, saltLength: 14, authKeyLength: 20, srtpAuthTagLength: 4, srtcpAuthTagLength: 10,
  },
  SRTP_AEAD_AES_128_GCM: {
    name: 'SRTP_AEAD_AES_128_GCM', id: 0x0007, kind: 'aead-aes-gcm',
    keyLength: 16, saltLength: 12, authKeyLength: 0, srtpAuthTagLength: 16, srtcpAuthTagLength: 16,
  },
  SRTP_AEAD_AES_256_GCM: {
    name: 'SRTP_AEAD_AES_256_GCM', id: 0x0008, kind: 'aead-aes-gcm',
    keyLength: 32, saltLength: 12, authKeyLength: 0, srtpAuthTagLength: 16, srtcpAuthTagLength: 16,
  },
};

/**
 * The parameters of a protection profile, by name or by its DTLS `use_srtp` identifier.
 * @throws {@link SrtpError} `unknown-profile` for anything else (including the NULL-cipher profiles).
 */
export function srtpProfileParameters(profile: SrtpProtectionProfile | number): SrtpProfileParameters {
  if (typeof profile === 'number') {
    for (const p of Object.values(PROFILES)) if (p.id === profile) return p;
    throw new SrtpError('unknown-profile', `SRTP protection profile 0x${profile.toString(16)} is not supported`);
  }
  const p = Object.prototype.hasOwnProperty.call(PROFILES, profile) ? PROFILES[profile] : undefined;
  if (!p) throw new SrtpError('unknown-profile', `SRTP protection profile ${String(profile)} is not supported`);
  return p;
}

/** Every supported profile, in the order a DTLS client would offer them (strongest AEAD first). */
export const SUPPORTED_SRTP_PROFILES: readonly SrtpProtectionProfile[] = [
  'SRTP_AEAD_AES_256_GCM',
  'SRTP_AEAD_AES_128_GCM',
  'SRTP_AES128_CM_HMAC_SHA1_80',
  'SRTP_AES128_CM_HMAC_SHA1_32',
];
