/**
 * The one error type of `@x/netem`: a bad model or option is refused up front, and relays that
 * cannot bind reject with it. Nothing is thrown from a socket event handler; drops are counted.
 */

/** What went wrong, as a string literal so callers can switch on it. */
export type NetemErrorCode =
  /** A model field is out of range (probability outside 0–1, negative delay, zero rate …). */
  | 'INVALID_MODEL'
  /** A relay option is not usable (bad address, port, MSS …). */
  | 'INVALID_ARGUMENT'
  /** A relay socket could not bind or listen. */
  | 'BIND_FAILED'
  /** The relay was closed. */
  | 'CLOSED'
  /** The TUN link could not be made (namespaces, devices, the Go relay's build or start). */
  | 'TUN_LINK';

/** Typed error of `@x/netem`. */
export class NetemError extends Error {
  /** Machine-readable reason. */
  readonly code: NetemErrorCode;

  constructor(code: NetemErrorCode, message: string) {
    super(message);
    this.name = 'NetemError';
    this.code = code;
  }
}
