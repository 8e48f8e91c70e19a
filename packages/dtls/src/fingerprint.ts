import { DtlsError } from './errors.js';
import { nodeHashes, type HashBackend, type HashName } from './hash-backend.js';

/** Hash function names of the SDP a=fingerprint attribute (RFC 8122 §5). */
export type FingerprintAlgorithm = 'sha-1' | 'sha-256' | 'sha-384' | 'sha-512';

/** A certificate fingerprint as in SDP: `a=fingerprint:sha-256 AB:CD:…`. */
export interface CertificateFingerprint {
  algorithm: FingerprintAlgorithm;
  /** Upper-case hex pairs joined by colons. */
  value: string;
}

const HASHES: Record<FingerprintAlgorithm, HashName> = {
  'sha-1': 'sha1',
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

/** The fingerprint of a DER certificate. */
export function computeFingerprint(der: Uint8Array, algorithm: FingerprintAlgorithm = 'sha-256', hashes: HashBackend = nodeHashes): CertificateFingerprint {
  const h = Object.hasOwn(HASHES, algorithm) ? HASHES[algorithm] : undefined;
  if (h === undefined) throw new DtlsError('invalid-argument', `unknown fingerprint algorithm ${String(algorithm)}`);
  const value = Array.from(hashes.digest(h, der), (x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':');
  return { algorithm, value };
}

/** Parses the value of an SDP fingerprint attribute: `sha-256 AB:CD:…`. */
export function parseFingerprint(text: string): CertificateFingerprint {
  const m = /^\s*(\S+)\s+([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})*)\s*$/.exec(text);
  const algorithm = m?.[1]?.toLowerCase() as FingerprintAlgorithm | undefined;
  if (m === null || algorithm === undefined || !(algorithm in HASHES)) throw new DtlsError('invalid-argument', `bad fingerprint: ${text}`);
  return { algorithm, value: m[2]!.toUpperCase() };
}

/** SDP form: `sha-256 AB:CD:…`. */
export function formatFingerprint(f: CertificateFingerprint): string {
  return `${f.algorithm} ${f.value}`;
}

/** True when the certificate matches at least one of the fingerprints (RFC 8122 §5). */
export function matchesFingerprint(der: Uint8Array, fingerprints: readonly CertificateFingerprint[], hashes: HashBackend = nodeHashes): boolean {
  return fingerprints.some((f) => Object.hasOwn(HASHES, f.algorithm) && computeFingerprint(der, f.algorithm, hashes).value === f.value.toUpperCase());
}
