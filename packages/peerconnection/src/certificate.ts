/** W3C `RTCCertificate` (WebRTC §4.9) over an `@x/dtls` certificate. */
import { computeFingerprint, generateCertificate, type DtlsCertificate } from '@x/dtls';
import { domException } from './errors.js';

/** A certificate fingerprint as `getFingerprints()` gives it (lower-case hex, W3C §4.9.1). */
export interface RTCDtlsFingerprint {
  /** Hash function, `sha-256`. */
  algorithm: string;
  /** Colon-separated lower-case hex. */
  value: string;
}

/** What `RTCPeerConnection.generateCertificate` accepts. */
export type AlgorithmIdentifier =
  | string
  | { name: string; namedCurve?: string; modulusLength?: number; publicExponent?: Uint8Array; hash?: string | { name: string }; expires?: number };

const DAY = 24 * 3600 * 1000;

/** A certificate and key for DTLS, with its expiry. */
export class RTCCertificate {
  /** Expiry, in ms since the epoch. */
  readonly expires: number;
  /** @internal The DTLS certificate and private key. */
  readonly dtls: DtlsCertificate;

  /** @internal Made by {@link generateRtcCertificate}. */
  constructor(dtls: DtlsCertificate, expires: number) {
    this.dtls = dtls;
    this.expires = expires;
  }

  /** The sha-256 fingerprint of the certificate. */
  getFingerprints(): RTCDtlsFingerprint[] {
    const f = computeFingerprint(this.dtls.der, 'sha-256');
    return [{ algorithm: f.algorithm, value: f.value.toLowerCase() }];
  }
}

/**
 * `RTCPeerConnection.generateCertificate`: ECDSA P-256 (`{ name: 'ECDSA', namedCurve: 'P-256' }`)
 * or RSASSA-PKCS1-v1_5 2048 with SHA-256; anything else is NotSupportedError, as in browsers.
 * `expires` (ms from now) shortens the default 30 days.
 */
export function generateRtcCertificate(keygen: AlgorithmIdentifier, now = Date.now()): RTCCertificate {
  const alg = typeof keygen === 'string' ? { name: keygen } : keygen;
  if (alg === null || typeof alg !== 'object' || typeof alg.name !== 'string') throw new TypeError('keygenAlgorithm needs a name');
  const name = alg.name.toUpperCase();
  let keyType: 'ecdsa-p256' | 'rsa';
  if (name === 'ECDSA' && alg.namedCurve === 'P-256') keyType = 'ecdsa-p256';
  else if (name === 'RSASSA-PKCS1-V1_5' && (alg.modulusLength ?? 2048) === 2048) {
    const hash = typeof alg.hash === 'string' ? alg.hash : alg.hash?.name;
    if (hash !== undefined && hash.toUpperCase() !== 'SHA-256') throw domException('NotSupportedError', `hash ${hash} is not supported`);
    keyType = 'rsa';
  } else {
    throw domException('NotSupportedError', `key generation algorithm ${alg.name} is not supported`);
  }
  let lifetime = 30 * DAY;
  if (alg.expires !== undefined) {
    if (typeof alg.expires !== 'number' || !(alg.expires >= 0)) throw new TypeError('expires must be a non-negative number');
    lifetime = Math.min(lifetime, alg.expires);
  }
  const dtls = generateCertificate({ keyType, now: new Date(now), validityDays: Math.max(1, Math.ceil(lifetime / DAY)) });
  return new RTCCertificate(dtls, now + lifetime);
}
