import { ByteReader, ByteWriter } from './bytes.js';
import { DtlsError } from './errors.js';

/** Certificate: a chain of DER certificates, sender's first (RFC 5246 §7.4.2). */
export function parseCertificate(body: Uint8Array): Uint8Array[] {
  const r = new ByteReader(body);
  const list = r.vector(3, 'certificate_list');
  r.expectEnd('Certificate');
  const lr = new ByteReader(list);
  const out: Uint8Array[] = [];
  while (lr.remaining > 0) {
    const c = lr.vector(3, 'ASN.1Cert');
    if (c.length === 0) throw new DtlsError('malformed', 'empty certificate in chain');
    out.push(c);
  }
  return out;
}

/** Encodes a Certificate body. */
export function encodeCertificate(chain: Uint8Array[]): Uint8Array {
  const inner = new ByteWriter();
  for (const c of chain) inner.vector(3, c);
  return new ByteWriter().vector(3, inner.finish()).finish();
}

/** ServerECDHParams with its signature (RFC 8422 §5.4), named_curve form only. */
export interface ServerKeyExchange {
  namedCurve: number;
  publicKey: Uint8Array;
  /** The ServerECDHParams bytes as sent: what the signature covers after the randoms. */
  params: Uint8Array;
  signatureScheme: number;
  signature: Uint8Array;
}

const NAMED_CURVE = 3;

/** Encodes ServerECDHParams (curve_type named_curve). */
export function encodeServerEcdhParams(namedCurve: number, publicKey: Uint8Array): Uint8Array {
  return new ByteWriter().u8(NAMED_CURVE).u16(namedCurve).vector(1, publicKey).finish();
}

/** Parses an ECDHE ServerKeyExchange body. */
export function parseServerKeyExchange(body: Uint8Array): ServerKeyExchange {
  const r = new ByteReader(body);
  const curveType = r.u8('curve_type');
  if (curveType !== NAMED_CURVE) throw new DtlsError('malformed', `curve_type ${curveType} not supported`, 47);
  const namedCurve = r.u16('namedcurve');
  const publicKey = r.vector(1, 'public');
  if (publicKey.length === 0) throw new DtlsError('malformed', 'empty ECDH public key');
  const params = body.subarray(0, r.offset);
  const signatureScheme = r.u16('signature algorithm');
  const signature = r.vector(2, 'signature');
  r.expectEnd('ServerKeyExchange');
  return { namedCurve, publicKey, params, signatureScheme, signature };
}

/** Encodes an ECDHE ServerKeyExchange body. */
export function encodeServerKeyExchange(params: Uint8Array, signatureScheme: number, signature: Uint8Array): Uint8Array {
  return new ByteWriter().bytes(params).u16(signatureScheme).vector(2, signature).finish();
}

/** CertificateRequest (RFC 5246 §7.4.4). */
export interface CertificateRequest {
  certificateTypes: number[];
  signatureAlgorithms: number[];
  /** DER DistinguishedNames, unused by WebRTC (self-signed certificates). */
  certificateAuthorities: Uint8Array[];
}

/** Parses a CertificateRequest body. */
export function parseCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new ByteReader(body);
  const types = r.vector(1, 'certificate_types');
  const algs = r.vector(2, 'supported_signature_algorithms');
  if (algs.length % 2 !== 0) throw new DtlsError('malformed', 'odd signature algorithm list');
  const signatureAlgorithms: number[] = [];
  for (let i = 0; i < algs.length; i += 2) signatureAlgorithms.push((algs[i]! << 8) | algs[i + 1]!);
  const cas = new ByteReader(r.vector(2, 'certificate_authorities'));
  const certificateAuthorities: Uint8Array[] = [];
  while (cas.remaining > 0) certificateAuthorities.push(cas.vector(2, 'DistinguishedName'));
  r.expectEnd('CertificateRequest');
  return { certificateTypes: Array.from(types), signatureAlgorithms, certificateAuthorities };
}

/** Encodes a CertificateRequest body with no certificate authorities. */
export function encodeCertificateRequest(certificateTypes: number[], signatureAlgorithms: number[]): Uint8Array {
  const algs = new ByteWriter();
  for (const a of signatureAlgorithms) algs.u16(a);
  return new ByteWriter().vector(1, Uint8Array.from(certificateTypes)).vector(2, algs.finish()).vector(2, new Uint8Array(0)).finish();
}

/** ClientKeyExchange for ECDHE: the client's ephemeral public key (RFC 8422 §5.7). */
export function parseClientKeyExchange(body: Uint8Array): Uint8Array {
  const r = new ByteReader(body);
  const pub = r.vector(1, 'ecdh_Yc');
  r.expectEnd('ClientKeyExchange');
  if (pub.length === 0) throw new DtlsError('malformed', 'empty ECDH public key');
  return pub;
}

/** Encodes an ECDHE ClientKeyExchange body. */
export function encodeClientKeyExchange(publicKey: Uint8Array): Uint8Array {
  return new ByteWriter().vector(1, publicKey).finish();
}

/** DigitallySigned as in CertificateVerify (RFC 5246 §4.7, §7.4.8). */
export interface DigitallySigned {
  signatureScheme: number;
  signature: Uint8Array;
}

/** Parses a CertificateVerify body. */
export function parseCertificateVerify(body: Uint8Array): DigitallySigned {
  const r = new ByteReader(body);
  const signatureScheme = r.u16('signature algorithm');
  const signature = r.vector(2, 'signature');
  r.expectEnd('CertificateVerify');
  return { signatureScheme, signature };
}

/** Encodes a CertificateVerify body. */
export function encodeCertificateVerify(signatureScheme: number, signature: Uint8Array): Uint8Array {
  return new ByteWriter().u16(signatureScheme).vector(2, signature).finish();
}

/** Finished.verify_data must be 12 bytes for the suites here (RFC 5246 §7.4.9). */
export function parseFinished(body: Uint8Array): Uint8Array {
  if (body.length !== 12) throw new DtlsError('malformed', `Finished of ${body.length} bytes`);
  return body;
}
