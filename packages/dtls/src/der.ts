import { DtlsError } from './errors.js';

/** One DER TLV: tag byte, and content bounds within the input. */
export interface DerElement {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset after the content. */
  end: number;
}

/** Reads the DER element at `offset` (definite lengths only, up to 4 length bytes). */
export function readDer(b: Uint8Array, offset: number, limit = b.length): DerElement {
  const bad = (m: string) => new DtlsError('bad-certificate', `DER: ${m}`);
  if (limit - offset < 2) throw bad('truncated element');
  const tag = b[offset]!;
  if ((tag & 0x1f) === 0x1f) throw bad('multi-byte tags not supported');
  let len = b[offset + 1]!;
  let o = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw bad('unsupported length form');
    if (limit - o < n) throw bad('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[o + i]!;
    o += n;
  }
  if (limit - o < len) throw bad('truncated content');
  return { tag, start: offset, contentStart: o, end: o + len };
}

/** Reads the children of a constructed element. */
export function derChildren(b: Uint8Array, parent: DerElement): DerElement[] {
  const out: DerElement[] = [];
  let o = parent.contentStart;
  while (o < parent.end) {
    const e = readDer(b, o, parent.end);
    out.push(e);
    o = e.end;
  }
  return out;
}

/** Encodes a DER length. */
function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | bytes.length, ...bytes];
}

/** A DER TLV from a tag and content. */
export function derTlv(tag: number, content: Uint8Array): Uint8Array {
  const head = [tag, ...derLength(content.length)];
  const out = new Uint8Array(head.length + content.length);
  out.set(head, 0);
  out.set(content, head.length);
  return out;
}

/** SEQUENCE of already encoded elements. */
export function derSequence(...items: Uint8Array[]): Uint8Array {
  return derTlv(0x30, concat(items));
}

/** SET of already encoded elements (single-element sets only here, so no sorting needed). */
export function derSet(...items: Uint8Array[]): Uint8Array {
  return derTlv(0x31, concat(items));
}

/** INTEGER from big-endian unsigned bytes. */
export function derUnsignedInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const v = bytes.subarray(i);
  return derTlv(0x02, v[0]! & 0x80 ? concat([Uint8Array.of(0), v]) : v);
}

/** OBJECT IDENTIFIER from dotted form. */
export function derOid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...stack);
  }
  return derTlv(0x06, Uint8Array.from(out));
}

/** BIT STRING with no unused bits. */
export function derBitString(bytes: Uint8Array): Uint8Array {
  return derTlv(0x03, concat([Uint8Array.of(0), bytes]));
}

/** UTF8String. */
export function derUtf8String(s: string): Uint8Array {
  return derTlv(0x0c, new TextEncoder().encode(s));
}

/** UTCTime (YYMMDDHHMMSSZ) for years 1950–2049. */
export function derUtcTime(d: Date): Uint8Array {
  const p = (n: number) => String(n).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return derTlv(0x17, new TextEncoder().encode(s));
}

/** Context-specific explicit tag [n]. */
export function derExplicit(n: number, inner: Uint8Array): Uint8Array {
  return derTlv(0xa0 | n, inner);
}

/** NULL. */
export const DER_NULL = Uint8Array.of(0x05, 0x00);

function concat(items: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const i of items) n += i.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const i of items) {
    out.set(i, o);
    o += i.length;
  }
  return out;
}
