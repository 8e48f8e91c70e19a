import { DtlsError } from './errors.js';

/** SRTPProtectionProfile numbers (RFC 5764 §4.1.2, RFC 7714 §14.2). */
export const SrtpProtectionProfile = {
  SRTP_AES128_CM_HMAC_SHA1_80: 0x0001,
  SRTP_AES128_CM_HMAC_SHA1_32: 0x0002,
  SRTP_AEAD_AES_128_GCM: 0x0007,
  SRTP_AEAD_AES_256_GCM: 0x0008,
} as const;

/** Name of a supported SRTP protection profile. */
export type SrtpProfileName = 'SRTP_AES128_CM_HMAC_SHA1_80' | 'SRTP_AEAD_AES_128_GCM';

/** Master key and salt lengths per profile (RFC 5764 §4.1.2, RFC 7714 §12). */
export const SRTP_PROFILES: Record<SrtpProfileName, { id: number; keyLength: number; saltLength: number }> = {
  SRTP_AES128_CM_HMAC_SHA1_80: { id: 0x0001, keyLength: 16, saltLength: 14 },
  SRTP_AEAD_AES_128_GCM: { id: 0x0007, keyLength: 16, saltLength: 12 },
};

/** Finds the name of a supported profile by number. */
export function srtpProfileName(id: number): SrtpProfileName | undefined {
  for (const [name, p] of Object.entries(SRTP_PROFILES)) if (p.id === id) return name as SrtpProfileName;
  return undefined;
}

/** The SRTP master keys and salts derived from a DTLS association (RFC 5764 §4.2). */
export interface SrtpKeyingMaterial {
  profile: SrtpProfileName;
  clientWriteKey: Uint8Array;
  serverWriteKey: Uint8Array;
  clientWriteSalt: Uint8Array;
  serverWriteSalt: Uint8Array;
}

/** The exporter label of RFC 5764 §4.2. */
export const SRTP_EXPORTER_LABEL = 'EXTRACTOR-dtls_srtp';

/** Length to export for a profile: 2 × (key + salt). */
export function srtpKeyingMaterialLength(profile: SrtpProfileName): number {
  const p = SRTP_PROFILES[profile];
  return 2 * (p.keyLength + p.saltLength);
}

/** Splits exported material into client_write_SRTP_master_key, server key, client salt, server salt. */
export function splitSrtpKeyingMaterial(profile: SrtpProfileName, material: Uint8Array): SrtpKeyingMaterial {
  const p = SRTP_PROFILES[profile];
  if (material.length !== 2 * (p.keyLength + p.saltLength)) throw new DtlsError('invalid-argument', 'wrong keying material length');
  let o = 0;
  const take = (n: number) => material.slice(o, (o += n));
  return {
    profile,
    clientWriteKey: take(p.keyLength),
    serverWriteKey: take(p.keyLength),
    clientWriteSalt: take(p.saltLength),
    serverWriteSalt: take(p.saltLength),
  };
}
