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

const DETAILS: ReadonlySet<string> = new Set<RTCErrorDetailType>([
  'data-channel-failure',
  'dtls-failure',
  'fingerprint-failure',
  'sctp-failure',
  'sdp-syntax-error',
  'hardware-encoder-not-available',
  'hardware-encoder-error',
]);

/** WebIDL `long` (ES ToInt32 after ToNumber; NaN and infinities are 0), for an optional member. */
function optionalLong(v: unknown): number | null {
  return v === undefined ? null : Number(v) | 0;
}
/** WebIDL `unsigned long` (ES ToUint32 after ToNumber), for an optional member. */
function optionalUnsignedLong(v: unknown): number | null {
  return v === undefined ? null : Number(v) >>> 0;
}

/**
 * W3C `RTCError` (WebRTC §11.1): an `OperationError` DOMException with WebRTC detail. The
 * constructor converts its init as WebIDL does: `errorDetail` is required and must be an
 * {@link RTCErrorDetailType} (TypeError otherwise); the optional numbers are `long`/`unsigned
 * long` and null when absent. Every member is read-only.
 */
export class RTCError extends DOMException {
  readonly #errorDetail: RTCErrorDetailType;
  readonly #sdpLineNumber: number | null;
  readonly #sctpCauseCode: number | null;
  readonly #receivedAlert: number | null;
  readonly #sentAlert: number | null;

  constructor(init: RTCErrorInit, message = '') {
    if (init === null || init === undefined || (typeof init !== 'object' && typeof init !== 'function')) {
      throw new TypeError('RTCError needs an RTCErrorInit dictionary');
    }
    const detail: unknown = init.errorDetail;
    if (detail === undefined) throw new TypeError("RTCErrorInit: required member 'errorDetail' is missing");
    const name = String(detail);
    if (!DETAILS.has(name)) throw new TypeError(`'${name}' is not a valid value for enumeration RTCErrorDetailType`);
    super(String(message), 'OperationError');
    this.#errorDetail = name as RTCErrorDetailType;
    this.#sdpLineNumber = optionalLong(init.sdpLineNumber);
    this.#sctpCauseCode = optionalLong(init.sctpCauseCode);
    this.#receivedAlert = optionalUnsignedLong(init.receivedAlert);
    this.#sentAlert = optionalUnsignedLong(init.sentAlert);
  }

  /** Which WebRTC failure this is. */
  get errorDetail(): RTCErrorDetailType {
    return this.#errorDetail;
  }
  /** The SDP line that failed, or null. */
  get sdpLineNumber(): number | null {
    return this.#sdpLineNumber;
  }
  /** The SCTP cause code, or null. */
  get sctpCauseCode(): number | null {
    return this.#sctpCauseCode;
  }
  /** The DTLS alert received, or null. */
  get receivedAlert(): number | null {
    return this.#receivedAlert;
  }
  /** The DTLS alert sent, or null. */
  get sentAlert(): number | null {
    return this.#sentAlert;
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
