import { DtlsError } from './errors.js';

/** AlertLevel (RFC 5246 §7.2). */
export const AlertLevel = { warning: 1, fatal: 2 } as const;

/** AlertDescription values used by this implementation (RFC 5246 §7.2, RFC 5746, RFC 7627). */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_unknown: 46,
  illegal_parameter: 47,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  unsupported_extension: 110,
} as const;

/** A parsed Alert record body. */
export interface Alert {
  level: number;
  description: number;
}

/** Parses the two-byte Alert body. */
export function parseAlert(body: Uint8Array): Alert {
  if (body.length !== 2) throw new DtlsError('malformed', `alert of ${body.length} bytes`);
  return { level: body[0]!, description: body[1]! };
}

/** Encodes an Alert body. */
export function encodeAlert(level: number, description: number): Uint8Array {
  return Uint8Array.of(level, description);
}

/** The alert a local error should be reported to the peer with. */
export function alertForError(err: DtlsError): number {
  if (err.alert !== undefined) return err.alert;
  switch (err.code) {
    case 'truncated':
    case 'malformed':
      return AlertDescription.decode_error;
    case 'oversized':
      return AlertDescription.record_overflow;
    case 'bad-record-mac':
      return AlertDescription.bad_record_mac;
    case 'unexpected-message':
      return AlertDescription.unexpected_message;
    case 'handshake-failure':
      return AlertDescription.handshake_failure;
    case 'bad-certificate':
    case 'fingerprint-mismatch':
      return AlertDescription.bad_certificate;
    case 'bad-signature':
    case 'bad-finished':
      return AlertDescription.decrypt_error;
    default:
      return AlertDescription.internal_error;
  }
}
