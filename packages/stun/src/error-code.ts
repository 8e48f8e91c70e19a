import { AttributeType } from './attribute-type.js';
import { badAttribute, type AttributeCodec } from './attribute-codec.js';
import { StunError } from './stun-error.js';
import type { AddressFamily } from './transport-address.js';

/** Value of ERROR-CODE: a code 300..699 and a reason phrase. */
export interface ErrorCodeValue {
  readonly code: number;
  readonly reason: string;
}

/** Error codes of RFC 8489 §14.8 and RFC 8656 §19, with their recommended reason phrases. */
export const StunErrorCodes = {
  TryAlternate: 300,
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  UnknownAttribute: 420,
  AllocationMismatch: 437,
  StaleNonce: 438,
  AddressFamilyNotSupported: 440,
  WrongCredentials: 441,
  UnsupportedTransportProtocol: 442,
  PeerAddressFamilyMismatch: 443,
  AllocationQuotaReached: 486,
  RoleConflict: 487,
  ServerError: 500,
  InsufficientCapacity: 508,
} as const;

/** Recommended reason phrase for a code (empty when unknown). */
export function reasonPhrase(code: number): string {
  switch (code) {
    case 300: return 'Try Alternate';
    case 400: return 'Bad Request';
    case 401: return 'Unauthenticated';
    case 403: return 'Forbidden';
    case 420: return 'Unknown Attribute';
    case 437: return 'Allocation Mismatch';
    case 438: return 'Stale Nonce';
    case 440: return 'Address Family not Supported';
    case 441: return 'Wrong Credentials';
    case 442: return 'Unsupported Transport Protocol';
    case 443: return 'Peer Address Family Mismatch';
    case 486: return 'Allocation Quota Reached';
    case 487: return 'Role Conflict';
    case 500: return 'Server Error';
    case 508: return 'Insufficient Capacity';
    default: return '';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

function writeCode(name: string, code: number, msg: Uint8Array, offset: number): void {
  if (!Number.isInteger(code) || code < 300 || code > 699) {
    throw new StunError('INVALID_ARGUMENT', `${name}: code ${code} not in 300..699`);
  }
  msg[offset + 2] = Math.floor(code / 100);
  msg[offset + 3] = code % 100;
}

function readCode(name: string, msg: Uint8Array, offset: number): number {
  const cls = msg[offset + 2]! & 0x07;
  const num = msg[offset + 3]!;
  if (cls < 3 || cls > 6 || num > 99) throw badAttribute(name, `bad class ${cls} / number ${num}`);
  return cls * 100 + num;
}

/** ERROR-CODE (RFC 8489 §14.8). Reason phrase at most 763 bytes. */
export const ErrorCode: AttributeCodec<ErrorCodeValue> = {
  type: AttributeType.ERROR_CODE,
  name: 'ERROR-CODE',
  length: (v) => 4 + Buffer.byteLength(v.reason, 'utf8'),
  write(v, msg, _view, offset) {
    msg[offset] = 0;
    msg[offset + 1] = 0;
    writeCode('ERROR-CODE', v.code, msg, offset);
    encoder.encodeInto(v.reason, msg.subarray(offset + 4));
  },
  read(msg, _view, offset, length) {
    if (length < 4 || length > 4 + 763) throw badAttribute('ERROR-CODE', `length ${length}`);
    const code = readCode('ERROR-CODE', msg, offset);
    return { code, reason: decoder.decode(msg.subarray(offset + 4, offset + length)) };
  },
};

/** Value of ADDRESS-ERROR-CODE: which family failed, and why. */
export interface AddressErrorCodeValue extends ErrorCodeValue {
  readonly family: AddressFamily;
}

/** ADDRESS-ERROR-CODE (RFC 8656 §18.12): per-family failure in a dual-stack Allocate. */
export const AddressErrorCode: AttributeCodec<AddressErrorCodeValue> = {
  type: AttributeType.ADDRESS_ERROR_CODE,
  name: 'ADDRESS-ERROR-CODE',
  length: (v) => 4 + Buffer.byteLength(v.reason, 'utf8'),
  write(v, msg, _view, offset) {
    msg[offset] = v.family === 'IPv6' ? 0x02 : 0x01;
    msg[offset + 1] = 0;
    writeCode('ADDRESS-ERROR-CODE', v.code, msg, offset);
    encoder.encodeInto(v.reason, msg.subarray(offset + 4));
  },
  read(msg, _view, offset, length) {
    if (length < 4 || length > 4 + 763) throw badAttribute('ADDRESS-ERROR-CODE', `length ${length}`);
    const f = msg[offset];
    if (f !== 0x01 && f !== 0x02) throw new StunError('BAD_ADDRESS_FAMILY', `ADDRESS-ERROR-CODE: family ${f}`);
    const code = readCode('ADDRESS-ERROR-CODE', msg, offset);
    return {
      family: f === 0x01 ? 'IPv4' : 'IPv6',
      code,
      reason: decoder.decode(msg.subarray(offset + 4, offset + length)),
    };
  },
};

/** UNKNOWN-ATTRIBUTES (RFC 8489 §14.9): the types a 420 response did not understand. */
export const UnknownAttributes: AttributeCodec<readonly number[]> = {
  type: AttributeType.UNKNOWN_ATTRIBUTES,
  name: 'UNKNOWN-ATTRIBUTES',
  length: (v) => 2 * v.length,
  write(v, _msg, view, offset) {
    for (let i = 0; i < v.length; i++) view.setUint16(offset + 2 * i, v[i]!);
  },
  read(_msg, view, offset, length) {
    if (length % 2 !== 0) throw badAttribute('UNKNOWN-ATTRIBUTES', `odd length ${length}`);
    const out: number[] = [];
    for (let i = 0; i < length; i += 2) out.push(view.getUint16(offset + i));
    return out;
  },
};
