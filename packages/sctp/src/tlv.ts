import { padded } from './chunk-type.js';
import { SctpError } from './sctp-error.js';

/** One type-length-value parameter (INIT parameters, error causes, RE-CONFIG parameters). */
export interface Tlv {
  /** Parameter type or cause code. */
  type: number;
  /** The value, a view into the packet. */
  value: Uint8Array;
}

/**
 * Splits `bytes[start, end)` into TLVs (16-bit type, 16-bit length including the 4-byte header,
 * value padded to 4 bytes; the last one may omit its padding).
 */
export function readTlvs(bytes: Uint8Array, view: DataView, start: number, end: number, what: string): Tlv[] {
  const out: Tlv[] = [];
  let p = start;
  while (p < end) {
    if (end - p < 4) throw new SctpError('truncated', `${what}: ${end - p} stray bytes`);
    const type = view.getUint16(p);
    const length = view.getUint16(p + 2);
    if (length < 4) throw new SctpError('invalid-length', `${what}: length ${length} < 4`);
    if (p + length > end) throw new SctpError('invalid-length', `${what}: length ${length} runs past its chunk`);
    out.push({ type, value: bytes.subarray(p + 4, p + length) });
    p += padded(length);
  }
  return out;
}

/** Bytes a TLV takes on the wire with its padding. */
export function tlvSize(valueLength: number): number {
  return padded(4 + valueLength);
}

/** Writes one TLV at `p` and returns the offset after its padding. */
export function writeTlv(out: Uint8Array, view: DataView, p: number, type: number, value: Uint8Array): number {
  view.setUint16(p, type);
  view.setUint16(p + 2, 4 + value.length);
  out.set(value, p + 4);
  const end = p + 4 + value.length;
  out.fill(0, end, padded(end));
  return padded(end);
}
