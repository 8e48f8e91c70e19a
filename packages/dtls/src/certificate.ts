import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { DtlsError } from './errors.js';
import { SignatureScheme } from './constants.js';
import {
  DER_NULL,
  derBitString,
  derChildren,
  derExplicit,
  derOid,
  derSequence,
  derSet,
  derUnsignedInteger,
  derUtcTime,
  derUtf8String,
  readDer,
} from './der.js';
import { ecPublicKeyObject, rememberEcKeyObject, signData, type PrivateKey, type PublicKey } from './signature.js';

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_PRIME256V1 = '1.2.840.10045.3.1.7';
const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const OID_SHA256_RSA = '1.2.840.113549.1.1.11';
const OID_COMMON_NAME = '2.5.4.3';

/** A local certificate and its private key, as an endpoint presents it. */
export interface DtlsCertificate {
  /** DER X.509 certificate. */
  der: Uint8Array;
  privateKey: PrivateKey;
}

/** Options for {@link generateCertificate}. */
export interface GenerateCertificateOptions {
  /** Key type: ECDSA P-256 (the WebRTC default) or RSA-2048. */
  keyType?: 'ecdsa-p256' | 'rsa';
  /** Subject and issuer common name. */
  commonName?: string;
  /** Validity in days from now (browsers use 30). */
  validityDays?: number;
  /** Clock, for tests. */
  now?: Date;
}

/** Generates a self-signed certificate the way browsers do for WebRTC (random serial, 30 days). */
export function generateCertificate(options: GenerateCertificateOptions = {}): DtlsCertificate {
  const keyType = options.keyType ?? 'ecdsa-p256';
  const now = options.now ?? new Date();
  const name = derSequence(derSet(derSequence(derOid(OID_COMMON_NAME), derUtf8String(options.commonName ?? 'WebRTC'))));
  const serial = new Uint8Array(randomBytes(16));
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const notBefore = new Date(now.getTime() - 24 * 3600 * 1000);
  const notAfter = new Date(now.getTime() + (options.validityDays ?? 30) * 24 * 3600 * 1000);
  let privateKey: PrivateKey;
  let spki: Uint8Array;
  let sigAlg: Uint8Array;
  let scheme: number;
  if (keyType === 'ecdsa-p256') {
    // OpenSSL makes the key (~0.1 ms; the pure-JS key and signature took ~8 ms a certificate).
    const { privateKey: key, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const { d } = key.export({ format: 'jwk' });
    const { x, y } = publicKey.export({ format: 'jwk' });
    if (d === undefined || x === undefined || y === undefined) throw new DtlsError('invalid-argument', 'EC key without its values');
    privateKey = { type: 'ecdsa-p256', secretKey: new Uint8Array(Buffer.from(d, 'base64url')) };
    rememberEcKeyObject(privateKey.secretKey, key);
    const point = new Uint8Array(65);
    point[0] = 4;
    point.set(Buffer.from(x, 'base64url'), 1);
    point.set(Buffer.from(y, 'base64url'), 33);
    spki = derSequence(derSequence(derOid(OID_EC_PUBLIC_KEY), derOid(OID_PRIME256V1)), derBitString(point));
    sigAlg = derSequence(derOid(OID_ECDSA_SHA256));
    scheme = SignatureScheme.ecdsa_secp256r1_sha256;
  } else {
    const { privateKey: key, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKey = { type: 'rsa', key };
    spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    sigAlg = derSequence(derOid(OID_SHA256_RSA), DER_NULL);
    scheme = SignatureScheme.rsa_pkcs1_sha256;
  }
  const tbs = derSequence(
    derExplicit(0, derUnsignedInteger(Uint8Array.of(2))),
    derUnsignedInteger(serial),
    sigAlg,
    name,
    derSequence(derUtcTime(notBefore), derUtcTime(notAfter)),
    name,
    spki,
  );
  const signature = signData(privateKey, scheme, tbs);
  return { der: derSequence(tbs, sigAlg, derBitString(signature)), privateKey };
}

/** Loads a PEM certificate and PEM private key (EC P-256 or RSA), e.g. made by openssl. */
export function loadCertificate(certificatePem: string, privateKeyPem: string): DtlsCertificate {
  let der: Uint8Array;
  let privateKey: PrivateKey;
  try {
    der = new Uint8Array(new X509Certificate(certificatePem).raw);
    const key = createPrivateKey(privateKeyPem);
    if (key.asymmetricKeyType === 'ec') {
      const jwk = key.export({ format: 'jwk' });
      if (jwk.crv !== 'P-256' || jwk.d === undefined) throw new Error('only P-256 EC keys');
      privateKey = { type: 'ecdsa-p256', secretKey: new Uint8Array(Buffer.from(jwk.d, 'base64url')) };
      rememberEcKeyObject(privateKey.secretKey, key);
    } else if (key.asymmetricKeyType === 'rsa') {
      privateKey = { type: 'rsa', key };
    } else {
      throw new Error(`key type ${key.asymmetricKeyType} not supported`);
    }
  } catch (e) {
    throw new DtlsError('invalid-argument', `cannot load certificate: ${(e as Error).message}`);
  }
  const pub = certificatePublicKey(der);
  if (pub.type !== privateKey.type) throw new DtlsError('invalid-argument', 'certificate and key types differ');
  return { der, privateKey };
}

/** PEM text of a DER certificate. */
export function certificateToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

function oidEquals(b: Uint8Array, el: { tag: number; start: number; end: number }, dotted: string): boolean {
  const want = derOid(dotted);
  if (el.tag !== 0x06 || el.end - el.start !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (b[el.start + i] !== want[i]) return false;
  return true;
}

/**
 * Takes the subject public key out of a DER X.509 certificate. Only what the handshake needs is
 * parsed: Certificate → tbsCertificate → subjectPublicKeyInfo. Throws DtlsError `bad-certificate`.
 */
export function certificatePublicKey(der: Uint8Array): PublicKey {
  const bad = (m: string) => new DtlsError('bad-certificate', m);
  const cert = readDer(der, 0);
  if (cert.tag !== 0x30 || cert.end !== der.length) throw bad('certificate is not one DER SEQUENCE');
  const [tbs] = derChildren(der, cert);
  if (tbs === undefined || tbs.tag !== 0x30) throw bad('no tbsCertificate');
  const fields = derChildren(der, tbs);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const spki = fields[offset + 5];
  if (spki === undefined || spki.tag !== 0x30) throw bad('no subjectPublicKeyInfo');
  const [alg, key] = derChildren(der, spki);
  if (alg === undefined || alg.tag !== 0x30 || key === undefined || key.tag !== 0x03) throw bad('malformed subjectPublicKeyInfo');
  const [algOid, params] = derChildren(der, alg);
  if (algOid === undefined) throw bad('no algorithm');
  if (key.end - key.contentStart < 2 || der[key.contentStart] !== 0) throw bad('bad public key bit string');
  const keyBytes = der.subarray(key.contentStart + 1, key.end);
  if (oidEquals(der, algOid, OID_EC_PUBLIC_KEY)) {
    if (params === undefined || !oidEquals(der, params, OID_PRIME256V1)) throw new DtlsError('bad-certificate', 'only P-256 EC keys are supported', 43);
    const point = keyBytes.slice();
    try {
      // Checks the point is on the curve, and keeps its key for the signature check.
      ecPublicKeyObject(point);
    } catch {
      throw bad('invalid P-256 public key');
    }
    return { type: 'ecdsa-p256', point };
  }
  if (oidEquals(der, algOid, OID_RSA_ENCRYPTION)) return { type: 'rsa', spki: der.slice(spki.start, spki.end) };
  throw new DtlsError('bad-certificate', 'unsupported public key algorithm', 43);
}
