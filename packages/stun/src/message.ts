import type { AttributeCodec } from './attribute-codec.js';
import { AttributeType, isComprehensionRequired, knownAttributeTypes } from './attribute-type.js';
import { computeFingerprint } from './fingerprint.js';
import { verifyMessageIntegrity, type IntegrityResult } from './message-integrity.js';
import { classOf, methodOf, type StunClass } from './message-type.js';
import { StunError } from './stun-error.js';

/** The magic cookie of RFC 8489 §5. */
export const MAGIC_COOKIE = 0x2112a442;
/** Size of the STUN header. */
export const HEADER_LENGTH = 20;

/** Where one attribute sits in the message: its type and its value's offset and length. */
export interface RawAttribute {
  readonly type: number;
  /** Offset of the value (after the 4-byte attribute header) in {@link StunMessage.raw}. */
  readonly offset: number;
  /** Value length, before padding. */
  readonly length: number;
}

/**
 * Cheap demultiplexing test (RFC 7983 first byte 0..3, RFC 8489 magic cookie, length a multiple
 * of 4 that matches the datagram). Never throws.
 */
export function isStunMessage(bytes: Uint8Array): boolean {
  return (
    bytes.length >= HEADER_LENGTH &&
    bytes[0]! < 4 &&
    bytes[4] === 0x21 &&
    bytes[5] === 0x12 &&
    bytes[6] === 0xa4 &&
    bytes[7] === 0x42 &&
    (bytes[3]! & 3) === 0 &&
    ((bytes[2]! << 8) | bytes[3]!) + HEADER_LENGTH === bytes.length
  );
}

/** Options of {@link decodeMessage}. */
export interface DecodeOptions {
  /** Check FINGERPRINT when present (default true). A mismatch throws `BAD_FINGERPRINT`. */
  readonly checkFingerprint?: boolean;
}

/**
 * A decoded STUN message. Attributes are located, not decoded: {@link StunMessage.get} decodes
 * one on demand with its codec, so a message costs one pass over the TLVs and no copies.
 * Per RFC 8489 §14.5/§14.6, attributes after MESSAGE-INTEGRITY(-SHA256) other than
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are ignored (left out of {@link attributes}).
 */
export class StunMessage {
  /** The bytes of the message (a view on the input, not a copy). */
  readonly raw: Uint8Array;
  /** 12-bit method (see {@link StunMethod}). */
  readonly method: number;
  /** Request, indication, success or error response. */
  readonly messageClass: StunClass;
  /** 96-bit transaction id (view). */
  readonly transactionId: Uint8Array;
  /** The attributes, in order. */
  readonly attributes: readonly RawAttribute[];
  /** Whether the message carried a FINGERPRINT (checked by {@link decodeMessage} unless disabled). */
  readonly hasFingerprint: boolean;
  private readonly view: DataView;

  /** @internal use {@link decodeMessage}. */
  constructor(raw: Uint8Array, view: DataView, attributes: RawAttribute[], hasFingerprint: boolean) {
    this.raw = raw;
    this.view = view;
    const type = view.getUint16(0);
    this.method = methodOf(type);
    this.messageClass = classOf(type);
    this.transactionId = raw.subarray(8, 20);
    this.attributes = attributes;
    this.hasFingerprint = hasFingerprint;
  }

  /** The first attribute of the codec's type, decoded; undefined when absent. Throws {@link StunError}. */
  get<T>(codec: AttributeCodec<T>): T | undefined {
    for (const a of this.attributes) {
      if (a.type === codec.type) return codec.read(this.raw, this.view, a.offset, a.length);
    }
    return undefined;
  }

  /** Every attribute of the codec's type, decoded (e.g. several XOR-PEER-ADDRESS). */
  getAll<T>(codec: AttributeCodec<T>): T[] {
    const out: T[] = [];
    for (const a of this.attributes) {
      if (a.type === codec.type) out.push(codec.read(this.raw, this.view, a.offset, a.length));
    }
    return out;
  }

  /** Whether an attribute of this type (number or codec) is present. */
  has(type: number | { readonly type: number }): boolean {
    const t = typeof type === 'number' ? type : type.type;
    for (const a of this.attributes) if (a.type === t) return true;
    return false;
  }

  /** The raw value of the first attribute of `type` (a view), or undefined. */
  rawValue(type: number): Uint8Array | undefined {
    for (const a of this.attributes) if (a.type === type) return this.raw.subarray(a.offset, a.offset + a.length);
    return undefined;
  }

  /**
   * Comprehension-required attribute types (0x0000-0x7FFF) not in `known`: a server answers a
   * request carrying any with 420 and UNKNOWN-ATTRIBUTES (RFC 8489 §6.3.1).
   */
  unknownComprehensionRequired(known: ReadonlySet<number> = knownAttributeTypes): number[] {
    const out: number[] = [];
    for (const a of this.attributes) {
      if (isComprehensionRequired(a.type) && !known.has(a.type) && !out.includes(a.type)) out.push(a.type);
    }
    return out;
  }

  /** Verifies integrity with `key`; see {@link verifyMessageIntegrity}. Throws on failure. */
  verifyIntegrity(key: Uint8Array): IntegrityResult {
    return verifyMessageIntegrity(this, key);
  }
}

/**
 * Decodes one STUN message from a datagram (the whole of `bytes`). Throws {@link StunError}:
 * `TRUNCATED`, `NOT_STUN`, `BAD_LENGTH`, `BAD_FINGERPRINT`.
 */
export function decodeMessage(bytes: Uint8Array, options?: DecodeOptions): StunMessage {
  if (bytes.length < HEADER_LENGTH) throw new StunError('TRUNCATED', `${bytes.length} bytes, header needs 20`);
  if ((bytes[0]! & 0xc0) !== 0) throw new StunError('NOT_STUN', 'first two bits are not zero');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(4) !== MAGIC_COOKIE) throw new StunError('NOT_STUN', 'wrong magic cookie');
  const length = view.getUint16(2);
  if (length % 4 !== 0) throw new StunError('BAD_LENGTH', `message length ${length} not a multiple of 4`);
  const end = HEADER_LENGTH + length;
  if (end > bytes.length) throw new StunError('TRUNCATED', `message length ${length} past the datagram`);
  if (end < bytes.length) throw new StunError('BAD_LENGTH', `${bytes.length - end} bytes after the message`);

  const attributes: RawAttribute[] = [];
  let offset = HEADER_LENGTH;
  let afterIntegrity = false; // past MESSAGE-INTEGRITY: keep only -SHA256 and FINGERPRINT
  let afterSha256 = false; // past MESSAGE-INTEGRITY-SHA256: keep only FINGERPRINT
  let fingerprintAt = -1;
  while (offset < end) {
    if (fingerprintAt >= 0) throw new StunError('BAD_FINGERPRINT', 'FINGERPRINT is not the last attribute');
    const type = view.getUint16(offset);
    const len = view.getUint16(offset + 2);
    const valueEnd = offset + 4 + len;
    if (valueEnd > end) throw new StunError('TRUNCATED', `attribute 0x${type.toString(16)} length ${len} past the end`);
    if (type === AttributeType.FINGERPRINT) {
      if (len !== 4) throw new StunError('BAD_FINGERPRINT', `FINGERPRINT length ${len}`);
      fingerprintAt = offset;
      attributes.push({ type, offset: offset + 4, length: len });
    } else if (type === AttributeType.MESSAGE_INTEGRITY_SHA256) {
      if (!afterSha256) attributes.push({ type, offset: offset + 4, length: len });
      afterSha256 = true;
    } else if (!afterIntegrity && !afterSha256) {
      attributes.push({ type, offset: offset + 4, length: len });
      if (type === AttributeType.MESSAGE_INTEGRITY) afterIntegrity = true;
    }
    offset = (valueEnd + 3) & ~3;
  }
  if (fingerprintAt >= 0 && options?.checkFingerprint !== false) {
    if (view.getUint32(fingerprintAt + 4) !== computeFingerprint(bytes, fingerprintAt)) {
      throw new StunError('BAD_FINGERPRINT', 'FINGERPRINT mismatch');
    }
  }
  return new StunMessage(bytes, view, attributes, fingerprintAt >= 0);
}
