// Building the Binding messages of ICE connectivity checks (RFC 8445 §7.2.2, §7.3) with @x/stun.
import {
  attr,
  encodeMessage,
  ErrorCode,
  IceControlled,
  IceControlling,
  Priority,
  shortTermKey,
  Software,
  StunClass,
  StunMethod,
  UnknownAttributes,
  UseCandidate,
  Username,
  XorMappedAddress,
  type StunAttribute,
} from '@x/stun';
import { addressFamily, type TransportAddress } from './transport-address.js';

/** What goes into a connectivity check request. */
export interface CheckRequest {
  readonly transactionId: Uint8Array;
  /** `remoteUfrag:localUfrag` (§7.2.2). */
  readonly username: string;
  /** Remote password: the key of MESSAGE-INTEGRITY. */
  readonly password: string;
  /** PRIORITY: the priority a peer-reflexive candidate from this check would get (§7.1.1). */
  readonly priority: number;
  readonly controlling: boolean;
  readonly tieBreaker: bigint;
  readonly useCandidate: boolean;
  readonly software?: string;
  /** Padding byte value (RFC 5769's vectors use 0x20); 0 when absent. */
  readonly paddingByte?: number;
}

/**
 * Encodes a Binding request for a check (or a consent check, RFC 7675 §5.1), attributes in the
 * order of RFC 5769's sample request, then MESSAGE-INTEGRITY and FINGERPRINT.
 */
export function encodeCheckRequest(r: CheckRequest): Uint8Array {
  const attributes: StunAttribute[] = [];
  if (r.software) attributes.push(attr(Software, r.software));
  attributes.push(attr(Priority, r.priority));
  attributes.push(r.controlling ? attr(IceControlling, r.tieBreaker) : attr(IceControlled, r.tieBreaker));
  if (r.useCandidate) attributes.push(attr(UseCandidate, true));
  attributes.push(attr(Username, r.username));
  return encodeMessage(
    { method: StunMethod.Binding, messageClass: StunClass.Request, transactionId: r.transactionId, attributes },
    { messageIntegrity: shortTermKey(r.password), fingerprint: true, paddingByte: r.paddingByte ?? 0 },
  );
}

/** Stun's address shape (with the family) from ours. */
export function stunAddress(a: TransportAddress): { family: 'IPv4' | 'IPv6'; address: string; port: number } {
  return { family: addressFamily(a.address) === 6 ? 'IPv6' : 'IPv4', address: a.address, port: a.port };
}

/** Encodes the success response: XOR-MAPPED-ADDRESS of the request's source (§7.3.1.1). */
export function encodeCheckSuccess(transactionId: Uint8Array, source: TransportAddress, localPassword: string, software?: string, paddingByte = 0): Uint8Array {
  const attributes: StunAttribute[] = [];
  if (software) attributes.push(attr(Software, software));
  attributes.push(attr(XorMappedAddress, stunAddress(source)));
  return encodeMessage(
    { method: StunMethod.Binding, messageClass: StunClass.SuccessResponse, transactionId, attributes },
    { messageIntegrity: shortTermKey(localPassword), fingerprint: true, paddingByte },
  );
}

/**
 * Encodes an error response (487 Role Conflict, 400 Bad Request, 420 Unknown Attribute with its
 * UNKNOWN-ATTRIBUTES), signed with the local password.
 */
export function encodeCheckError(transactionId: Uint8Array, code: number, reason: string, localPassword: string, unknown?: readonly number[]): Uint8Array {
  const attributes: StunAttribute[] = [attr(ErrorCode, { code, reason })];
  if (unknown && unknown.length > 0) attributes.push(attr(UnknownAttributes, unknown));
  return encodeMessage(
    { method: StunMethod.Binding, messageClass: StunClass.ErrorResponse, transactionId, attributes },
    { messageIntegrity: shortTermKey(localPassword), fingerprint: true },
  );
}

/** A plain Binding request to a STUN server, for server-reflexive gathering (RFC 8445 §5.1.1.2). */
export function encodeServerBindingRequest(transactionId: Uint8Array): Uint8Array {
  return encodeMessage({ method: StunMethod.Binding, messageClass: StunClass.Request, transactionId }, { fingerprint: true });
}
