/**
 * The exceptions a browser throws from RTCPeerConnection and friends: DOMExceptions with the
 * WebIDL names, and `RTCError` (W3C WebRTC §11.1), a DOMException named `OperationError` with
 * WebRTC detail.
 */

/** The `errorDetail` values of an {@link RTCError}. */
export type RTCErrorDetailType =
  | 'data-channel-failure'
  | 'dtls-failure'
  | 'fingerprint-failure'
  | 'sctp-failure'
  | 'sdp-syntax-error'
  | 'hardware-encoder-not-available'
  | 'hardware-encoder-error';

/** What an {@link RTCError} carries besides its message. */
export interface RTCErrorInit {
  /** Which WebRTC failure this is. */
  errorDetail: RTCErrorDetailType;
  /** For `sdp-syntax-error`: the 1-based line of the SDP that failed. */
  sdpLineNumber?: number;
  /** For `sctp-failure`: the SCTP cause code. */
  sctpCauseCode?: number;
  /** For `dtls-failure`: the alert received. */
  receivedAlert?: number;
  /** For `dtls-failure`: the alert sent. */
  sentAlert?: number;
}

/** W3C `RTCError`: an `OperationError` DOMException with WebRTC detail. */
export class RTCError extends DOMException {
  /** Which WebRTC failure this is. */
  readonly errorDetail: RTCErrorDetailType;
  /** The SDP line that failed, or null. */
  readonly sdpLineNumber: number | null;
  /** The SCTP cause code, or null. */
  readonly sctpCauseCode: number | null;
  /** The DTLS alert received, or null. */
  readonly receivedAlert: number | null;
  /** The DTLS alert sent, or null. */
  readonly sentAlert: number | null;

  constructor(init: RTCErrorInit, message = '') {
    super(message, 'OperationError');
    this.errorDetail = init.errorDetail;
    this.sdpLineNumber = init.sdpLineNumber ?? null;
    this.sctpCauseCode = init.sctpCauseCode ?? null;
    this.receivedAlert = init.receivedAlert ?? null;
    this.sentAlert = init.sentAlert ?? null;
  }
}

/** A DOMException named as the browser names it. */
export function domException(
  name:
    | 'InvalidStateError'
    | 'InvalidAccessError'
    | 'InvalidModificationError'
    | 'OperationError'
    | 'SyntaxError'
    | 'NotSupportedError'
    | 'InvalidCharacterError',
  message: string,
): DOMException {
  return new DOMException(message, name);
}

/** The InvalidStateError every method throws once the connection is closed. */
export function closedError(method: string): DOMException {
  return domException('InvalidStateError', `${method}: the RTCPeerConnection is closed`);
}
