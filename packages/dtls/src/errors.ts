/** Why a DTLS operation failed. */
export type DtlsErrorCode =
  /** Input ended before a field it announced. */
  | 'truncated'
  /** A field holds a value the protocol forbids (bad length, bad version, garbage). */
  | 'malformed'
  /** A handshake message or fragment is larger than this endpoint accepts. */
  | 'oversized'
  /** A record failed AEAD authentication. */
  | 'bad-record-mac'
  /** A message arrived that the handshake state does not allow. */
  | 'unexpected-message'
  /** No cipher suite, group, signature scheme or SRTP profile in common, or a required extension is missing. */
  | 'handshake-failure'
  /** The peer sent no certificate, or one that cannot be parsed or is unsupported. */
  | 'bad-certificate'
  /** The peer certificate does not match any fingerprint from the remote description. */
  | 'fingerprint-mismatch'
  /** A ServerKeyExchange or CertificateVerify signature did not verify. */
  | 'bad-signature'
  /** The Finished verify_data did not match. */
  | 'bad-finished'
  /** The peer sent a fatal alert. */
  | 'alert-received'
  /** The handshake did not finish in time. */
  | 'timeout'
  /** The connection is closed. */
  | 'closed'
  /** The operation needs an established connection. */
  | 'not-connected'
  /** An argument from the caller is invalid. */
  | 'invalid-argument';

/** The one error type of `@x/dtls`: every parser and state machine throws only this. */
export class DtlsError extends Error {
  /** What went wrong, as a stable code. */
  readonly code: DtlsErrorCode;
  /** For `alert-received` and errors that send an alert: the alert description number. */
  readonly alert: number | undefined;

  constructor(code: DtlsErrorCode, message: string, alert?: number) {
    super(message);
    this.name = 'DtlsError';
    this.code = code;
    this.alert = alert;
  }
}
