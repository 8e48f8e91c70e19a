import type { StunAttribute } from './attribute-codec.js';
import { AttributeType } from './attribute-type.js';
import { computeFingerprint } from './fingerprint.js';
import { HEADER_LENGTH, MAGIC_COOKIE } from './message.js';
import { computeIntegrity } from './message-integrity.js';
import { encodeMessageType, type StunClass } from './message-type.js';
import { StunError } from './stun-error.js';
import { newTransactionId } from './transaction-id.js';

/** What a message is made of. */
export interface StunMessageInit {
  readonly method: number;
  readonly messageClass: StunClass;
  /** 12 bytes; a fresh random one when omitted. */
  readonly transactionId?: Uint8Array;
  /** Attributes in wire order, made with {@link attr}. Integrity and fingerprint are added by options. */
  readonly attributes?: readonly StunAttribute[];
}

/** Security trailers the encoder appends, in the order RFC 8489 §14 requires. */
export interface EncodeOptions {
  /** Key for MESSAGE-INTEGRITY (HMAC-SHA1). */
  readonly messageIntegrity?: Uint8Array;
  /** Key for MESSAGE-INTEGRITY-SHA256; appended after MESSAGE-INTEGRITY when both are given. */
  readonly messageIntegritySha256?: Uint8Array;
  /** Truncated length of MESSAGE-INTEGRITY-SHA256: 16..32, a multiple of 4 (default 32). */
  readonly messageIntegritySha256Length?: number;
  /** Append FINGERPRINT (last). */
  readonly fingerprint?: boolean;
  /** Value of padding bytes (default 0; RFC 5769 vectors use 0x20). */
  readonly paddingByte?: number;
}

const pad4 = (n: number) => (n + 3) & ~3;

/**
 * Encodes a STUN message in one allocation. Throws {@link StunError} `INVALID_ARGUMENT` when a
 * value cannot be encoded or the message would exceed 65535 bytes of attributes.
 */
export function encodeMessage(init: StunMessageInit, options: EncodeOptions = {}): Uint8Array {
  const attributes = init.attributes ?? [];
  const txid = init.transactionId ?? newTransactionId();
  if (txid.length !== 12) throw new StunError('INVALID_ARGUMENT', 'transaction id must be 12 bytes');
  if (!Number.isInteger(init.method) || init.method < 0 || init.method > 0xfff) {
    throw new StunError('INVALID_ARGUMENT', `method ${init.method}`);
  }
  const lengths = new Array<number>(attributes.length);
  let total = HEADER_LENGTH;
  for (let i = 0; i < attributes.length; i++) {
    const a = attributes[i]!;
    const len = a.codec.length(a.value);
    if (len > 0xffff) throw new StunError('INVALID_ARGUMENT', `${a.codec.name} of ${len} bytes`);
    lengths[i] = len;
    total += 4 + pad4(len);
  }
  const sha256Length = options.messageIntegritySha256Length ?? 32;
  if (options.messageIntegritySha256 && (sha256Length < 16 || sha256Length > 32 || sha256Length % 4)) {
    throw new StunError('INVALID_ARGUMENT', `MESSAGE-INTEGRITY-SHA256 length ${sha256Length}`);
  }
  const miAt = options.messageIntegrity ? total : -1;
  if (miAt >= 0) total += 24;
  const mi256At = options.messageIntegritySha256 ? total : -1;
  if (mi256At >= 0) total += 4 + sha256Length;
  const fpAt = options.fingerprint ? total : -1;
  if (fpAt >= 0) total += 8;
  if (total - HEADER_LENGTH > 0xffff) throw new StunError('INVALID_ARGUMENT', 'message too long');

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint16(0, encodeMessageType(init.method, init.messageClass));
  view.setUint32(4, MAGIC_COOKIE);
  out.set(txid, 8);
  const padding = options.paddingByte ?? 0;
  let offset = HEADER_LENGTH;
  for (let i = 0; i < attributes.length; i++) {
    const a = attributes[i]!;
    const len = lengths[i]!;
    view.setUint16(offset, a.codec.type);
    view.setUint16(offset + 2, len);
    a.codec.write(a.value, out, view, offset + 4);
    if (padding !== 0) out.fill(padding, offset + 4 + len, offset + 4 + pad4(len));
    offset += 4 + pad4(len);
  }
  if (miAt >= 0) {
    const mac = computeIntegrity('SHA-1', options.messageIntegrity!, out, miAt, miAt + 24 - HEADER_LENGTH);
    view.setUint16(miAt, AttributeType.MESSAGE_INTEGRITY);
    view.setUint16(miAt + 2, 20);
    out.set(mac, miAt + 4);
  }
  if (mi256At >= 0) {
    const lengthField = mi256At + 4 + sha256Length - HEADER_LENGTH;
    const mac = computeIntegrity('SHA-256', options.messageIntegritySha256!, out, mi256At, lengthField);
    view.setUint16(mi256At, AttributeType.MESSAGE_INTEGRITY_SHA256);
    view.setUint16(mi256At + 2, sha256Length);
    out.set(mac.subarray(0, sha256Length), mi256At + 4);
  }
  view.setUint16(2, total - HEADER_LENGTH);
  if (fpAt >= 0) {
    view.setUint16(fpAt, AttributeType.FINGERPRINT);
    view.setUint16(fpAt + 2, 4);
    view.setUint32(fpAt + 4, computeFingerprint(out, fpAt));
  }
  return out;
}
