import { StunError } from './stun-error.js';

/**
 * Reads and writes one attribute's value. Codecs work in place on the message buffer: `read`
 * gets the whole message (so XOR codecs can reach the magic cookie and transaction id) plus the
 * value's offset and length; `write` is handed a buffer whose header and transaction id are
 * already written. The message codec adds the type/length header and padding.
 *
 * @typeParam T - the decoded value.
 */
export interface AttributeCodec<T> {
  /** Attribute type number. */
  readonly type: number;
  /** RFC name, e.g. `XOR-MAPPED-ADDRESS`. */
  readonly name: string;
  /** Length of the value in bytes, before padding. */
  length(value: T): number;
  /** Writes `value` at `offset` (exactly `length(value)` bytes). */
  write(value: T, msg: Uint8Array, view: DataView, offset: number): void;
  /** Decodes the value at `offset`..`offset+length`. Throws {@link StunError} on bad input. */
  read(msg: Uint8Array, view: DataView, offset: number, length: number): T;
}

/** An attribute ready to encode: a codec and its value. Make one with {@link attr}. */
export interface StunAttribute<T = unknown> {
  readonly codec: AttributeCodec<T>;
  readonly value: T;
}

/** Pairs a codec with a value, type-checked: `attr(Priority, 0x6e0001ff)`. */
export function attr<T>(codec: AttributeCodec<T>, value: T): StunAttribute<T> {
  return { codec, value } as StunAttribute<T>;
}

/** Throws BAD_ATTRIBUTE naming the attribute. */
export function badAttribute(name: string, why: string): StunError {
  return new StunError('BAD_ATTRIBUTE', `${name}: ${why}`);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** A UTF-8 text attribute with a maximum byte length (USERNAME, REALM, NONCE, SOFTWARE...). */
export function textCodec(type: number, name: string, maxBytes: number): AttributeCodec<string> {
  return {
    type,
    name,
    length: (v) => Buffer.byteLength(v, 'utf8'),
    write(v, msg, _view, offset) {
      encoder.encodeInto(v, msg.subarray(offset));
    },
    read(msg, _view, offset, length) {
      if (length > maxBytes) throw badAttribute(name, `${length} bytes, at most ${maxBytes}`);
      return decoder.decode(msg.subarray(offset, offset + length));
    },
  };
}

/** An opaque byte-string attribute; decoding returns a view into the message, not a copy. */
export function bytesCodec(
  type: number,
  name: string,
  size?: { min: number; max: number; multipleOf?: number },
): AttributeCodec<Uint8Array> {
  return {
    type,
    name,
    length: (v) => v.length,
    write(v, msg, _view, offset) {
      msg.set(v, offset);
    },
    read(msg, _view, offset, length) {
      if (size && (length < size.min || length > size.max || length % (size.multipleOf ?? 1) !== 0)) {
        throw badAttribute(name, `bad length ${length}`);
      }
      return msg.subarray(offset, offset + length);
    },
  };
}

/** A 32-bit unsigned attribute (PRIORITY, LIFETIME, FINGERPRINT). */
export function u32Codec(type: number, name: string): AttributeCodec<number> {
  return {
    type,
    name,
    length: () => 4,
    write(v, _msg, view, offset) {
      view.setUint32(offset, v >>> 0);
    },
    read(_msg, view, offset, length) {
      if (length !== 4) throw badAttribute(name, `length ${length}, expected 4`);
      return view.getUint32(offset);
    },
  };
}

/** A 64-bit unsigned attribute (ICE-CONTROLLED, ICE-CONTROLLING tie-breakers). */
export function u64Codec(type: number, name: string): AttributeCodec<bigint> {
  return {
    type,
    name,
    length: () => 8,
    write(v, _msg, view, offset) {
      view.setBigUint64(offset, BigInt.asUintN(64, v));
    },
    read(_msg, view, offset, length) {
      if (length !== 8) throw badAttribute(name, `length ${length}, expected 8`);
      return view.getBigUint64(offset);
    },
  };
}

/** An attribute with no value (USE-CANDIDATE, DONT-FRAGMENT): presence is the value `true`. */
export function flagCodec(type: number, name: string): AttributeCodec<true> {
  return {
    type,
    name,
    length: () => 0,
    write() {},
    read(_msg, _view, _offset, length) {
      if (length !== 0) throw badAttribute(name, `length ${length}, expected 0`);
      return true;
    },
  };
}
