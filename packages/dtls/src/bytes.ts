import { DtlsError } from './errors.js';

/**
 * Cursor over a byte view that throws {@link DtlsError} `truncated` instead of reading past the end.
 * Used by every parser of the package, so a short input never becomes a RangeError.
 */
export class ByteReader {
  private readonly bytes: Uint8Array;
  private pos: number;
  private readonly end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Current offset in the underlying view. */
  get offset(): number {
    return this.pos;
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) throw new DtlsError('truncated', `truncated ${what}`);
  }

  u8(what = 'uint8'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u16(what = 'uint16'): number {
    this.need(2, what);
    const b = this.bytes;
    const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u24(what = 'uint24'): number {
    this.need(3, what);
    const b = this.bytes;
    const v = (b[this.pos]! << 16) | (b[this.pos + 1]! << 8) | b[this.pos + 2]!;
    this.pos += 3;
    return v;
  }

  u48(what = 'uint48'): number {
    this.need(6, what);
    const hi = this.u16(what);
    const lo = this.u32(what);
    return hi * 0x1_0000_0000 + lo;
  }

  u32(what = 'uint32'): number {
    this.need(4, what);
    const b = this.bytes;
    const v = ((b[this.pos]! << 24) >>> 0) + ((b[this.pos + 1]! << 16) | (b[this.pos + 2]! << 8) | b[this.pos + 3]!);
    this.pos += 4;
    return v;
  }

  /** A view (no copy) of the next `n` bytes. */
  bytesView(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A vector with a 1-, 2- or 3-byte length prefix. */
  vector(lengthBytes: 1 | 2 | 3, what = 'vector'): Uint8Array {
    const n = lengthBytes === 1 ? this.u8(what) : lengthBytes === 2 ? this.u16(what) : this.u24(what);
    return this.bytesView(n, what);
  }

  /** Throws `malformed` if anything is left. */
  expectEnd(what: string): void {
    if (this.pos !== this.end) throw new DtlsError('malformed', `trailing bytes in ${what}`);
  }
}

/** Growable byte builder for encoding messages (not on the per-record hot path). */
export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  get length(): number {
    return this.len;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u24(v: number): this {
    this.ensure(3);
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u48(v: number): this {
    const hi = Math.floor(v / 0x1_0000_0000);
    this.u16(hi);
    return this.u32(v >>> 0);
  }

  u32(v: number): this {
    this.ensure(4);
    this.buf[this.len++] = (v >>> 24) & 0xff;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** Writes `b` with a 1-, 2- or 3-byte length prefix. */
  vector(lengthBytes: 1 | 2 | 3, b: Uint8Array): this {
    const max = lengthBytes === 1 ? 0xff : lengthBytes === 2 ? 0xffff : 0xffffff;
    if (b.length > max) throw new DtlsError('invalid-argument', 'vector too long');
    if (lengthBytes === 1) this.u8(b.length);
    else if (lengthBytes === 2) this.u16(b.length);
    else this.u24(b.length);
    return this.bytes(b);
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Concatenates byte arrays into a new one. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Constant-time equality of two byte arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Lower-case hex of bytes. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Bytes from an even-length hex string. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  if (clean.length % 2 !== 0) throw new DtlsError('invalid-argument', 'odd-length hex');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** UTF-8/ASCII bytes of a string. */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
