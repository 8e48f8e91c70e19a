import { ByteReader, ByteWriter } from './bytes.js';
import { DtlsError } from './errors.js';
import { ExtensionType } from './constants.js';

/** use_srtp extension data (RFC 5764 §4.1.1). */
export interface UseSrtp {
  profiles: number[];
  mki: Uint8Array;
}

/** The hello extensions this implementation understands; others are skipped. */
export interface HelloExtensions {
  supportedGroups?: number[];
  ecPointFormats?: number[];
  signatureAlgorithms?: number[];
  useSrtp?: UseSrtp;
  /** extended_master_secret present (RFC 7627). */
  extendedMasterSecret?: boolean;
  /** renegotiation_info renegotiated_connection (RFC 5746); empty on an initial handshake. */
  renegotiationInfo?: Uint8Array;
}

function u16List(data: Uint8Array, lengthBytes: 1 | 2, what: string): number[] {
  const r = new ByteReader(data);
  const v = r.vector(lengthBytes, what);
  r.expectEnd(what);
  if (v.length % 2 !== 0) throw new DtlsError('malformed', `odd length in ${what}`);
  const out: number[] = [];
  for (let i = 0; i < v.length; i += 2) out.push((v[i]! << 8) | v[i + 1]!);
  return out;
}

/** Parses an extensions block (the bytes after the 2-byte total length). */
export function parseExtensions(data: Uint8Array): HelloExtensions {
  const r = new ByteReader(data);
  const seen = new Set<number>();
  const ext: HelloExtensions = {};
  while (r.remaining > 0) {
    const type = r.u16('extension type');
    const body = r.vector(2, 'extension data');
    if (seen.has(type)) throw new DtlsError('malformed', `duplicate extension ${type}`);
    seen.add(type);
    switch (type) {
      case ExtensionType.supported_groups:
        ext.supportedGroups = u16List(body, 2, 'supported_groups');
        break;
      case ExtensionType.signature_algorithms:
        ext.signatureAlgorithms = u16List(body, 2, 'signature_algorithms');
        break;
      case ExtensionType.ec_point_formats: {
        const er = new ByteReader(body);
        ext.ecPointFormats = Array.from(er.vector(1, 'ec_point_formats'));
        er.expectEnd('ec_point_formats');
        break;
      }
      case ExtensionType.use_srtp: {
        const sr = new ByteReader(body);
        const list = sr.vector(2, 'use_srtp profiles');
        if (list.length % 2 !== 0) throw new DtlsError('malformed', 'odd use_srtp profile list');
        const profiles: number[] = [];
        for (let i = 0; i < list.length; i += 2) profiles.push((list[i]! << 8) | list[i + 1]!);
        const mki = sr.vector(1, 'use_srtp mki');
        sr.expectEnd('use_srtp');
        ext.useSrtp = { profiles, mki };
        break;
      }
      case ExtensionType.extended_master_secret:
        if (body.length !== 0) throw new DtlsError('malformed', 'extended_master_secret with data');
        ext.extendedMasterSecret = true;
        break;
      case ExtensionType.renegotiation_info: {
        const rr = new ByteReader(body);
        ext.renegotiationInfo = rr.vector(1, 'renegotiation_info');
        rr.expectEnd('renegotiation_info');
        break;
      }
      default:
        break;
    }
  }
  return ext;
}

/** Encodes an extensions block including its 2-byte length (empty block when nothing is set). */
export function encodeExtensions(ext: HelloExtensions): Uint8Array {
  const w = new ByteWriter();
  const add = (type: number, body: Uint8Array) => w.u16(type).vector(2, body);
  const list16 = (xs: number[], lengthBytes: 1 | 2) => {
    const b = new ByteWriter();
    const inner = new ByteWriter();
    for (const x of xs) inner.u16(x);
    b.vector(lengthBytes, inner.finish());
    return b.finish();
  };
  if (ext.renegotiationInfo !== undefined) add(ExtensionType.renegotiation_info, new ByteWriter().vector(1, ext.renegotiationInfo).finish());
  if (ext.extendedMasterSecret) add(ExtensionType.extended_master_secret, new Uint8Array(0));
  if (ext.supportedGroups) add(ExtensionType.supported_groups, list16(ext.supportedGroups, 2));
  if (ext.ecPointFormats) add(ExtensionType.ec_point_formats, new ByteWriter().vector(1, Uint8Array.from(ext.ecPointFormats)).finish());
  if (ext.signatureAlgorithms) add(ExtensionType.signature_algorithms, list16(ext.signatureAlgorithms, 2));
  if (ext.useSrtp) {
    const b = new ByteWriter();
    const inner = new ByteWriter();
    for (const p of ext.useSrtp.profiles) inner.u16(p);
    b.vector(2, inner.finish()).vector(1, ext.useSrtp.mki);
    add(ExtensionType.use_srtp, b.finish());
  }
  return new ByteWriter().vector(2, w.finish()).finish();
}
