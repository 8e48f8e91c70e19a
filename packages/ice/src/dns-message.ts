// The part of the DNS message format (RFC 1035 §4) that mDNS (RFC 6762) needs for `.local`
// candidates: questions and A/AAAA answers, with name compression on input.
import { IceError } from './errors.js';
import { bytesToIp, ipToBytes } from './transport-address.js';

/** Resource record types used here. */
export const DNS_TYPE = { A: 1, AAAA: 28, ANY: 255 } as const;
/** Class IN. */
export const DNS_CLASS_IN = 1;

/** A question (RFC 1035 §4.1.2); `unicastResponse` is mDNS's QU bit (RFC 6762 §5.4). */
export interface DnsQuestion {
  readonly name: string;
  readonly type: number;
  readonly unicastResponse?: boolean;
}

/** An answer record; `address` is set for A and AAAA. `cacheFlush` is mDNS's bit (RFC 6762 §10.2). */
export interface DnsRecord {
  readonly name: string;
  readonly type: number;
  readonly ttl: number;
  readonly data: Uint8Array;
  readonly address?: string;
  readonly cacheFlush?: boolean;
}

/** A DNS message. */
export interface DnsMessage {
  readonly id: number;
  readonly isResponse: boolean;
  readonly questions: readonly DnsQuestion[];
  readonly answers: readonly DnsRecord[];
}

const MAX_NAME = 255;

function bad(why: string): never {
  throw new IceError('malformed-dns', why);
}

function readName(buf: Uint8Array, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let off = start;
  let end = -1;
  let jumps = 0;
  let length = 0;
  for (;;) {
    if (off >= buf.length) bad('name runs past the message');
    const len = buf[off]!;
    if (len === 0) {
      off++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (off + 1 >= buf.length) bad('truncated pointer');
      if (++jumps > 16) bad('pointer loop');
      if (end < 0) end = off + 2;
      off = ((len & 0x3f) << 8) | buf[off + 1]!;
      continue;
    }
    if ((len & 0xc0) !== 0) bad('unknown label type');
    if (off + 1 + len > buf.length) bad('label runs past the message');
    length += len + 1;
    if (length > MAX_NAME) bad('name too long');
    labels.push(new TextDecoder().decode(buf.subarray(off + 1, off + 1 + len)));
    off += 1 + len;
  }
  return { name: labels.join('.'), end: end < 0 ? off : end };
}

/** Decodes a DNS message; throws {@link IceError} `malformed-dns`. Authority/additional are skipped. */
export function decodeDnsMessage(buf: Uint8Array): DnsMessage {
  if (!(buf instanceof Uint8Array) || buf.length < 12) bad('shorter than the header');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const id = view.getUint16(0);
  const flags = view.getUint16(2);
  const qd = view.getUint16(4);
  const an = view.getUint16(6);
  let off = 12;
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < qd; i++) {
    const n = readName(buf, off);
    if (n.end + 4 > buf.length) bad('truncated question');
    const qclass = view.getUint16(n.end + 2);
    questions.push({ name: n.name, type: view.getUint16(n.end), unicastResponse: (qclass & 0x8000) !== 0 });
    off = n.end + 4;
  }
  const answers: DnsRecord[] = [];
  for (let i = 0; i < an; i++) {
    const n = readName(buf, off);
    if (n.end + 10 > buf.length) bad('truncated record');
    const type = view.getUint16(n.end);
    const rclass = view.getUint16(n.end + 2);
    const ttl = view.getUint32(n.end + 4);
    const rdlen = view.getUint16(n.end + 8);
    const start = n.end + 10;
    if (start + rdlen > buf.length) bad('record data runs past the message');
    const data = buf.subarray(start, start + rdlen);
    let address: string | undefined;
    if (type === DNS_TYPE.A) address = rdlen === 4 ? bytesToIp(data) : bad('A record of wrong length');
    if (type === DNS_TYPE.AAAA) address = rdlen === 16 ? bytesToIp(data) : bad('AAAA record of wrong length');
    answers.push({ name: n.name, type, ttl, data, cacheFlush: (rclass & 0x8000) !== 0, ...(address ? { address } : {}) });
    off = start + rdlen;
  }
  return { id, isResponse: (flags & 0x8000) !== 0, questions, answers };
}

function encodeName(name: string): Uint8Array {
  const labels = name.replace(/\.$/, '').split('.');
  const parts: number[] = [];
  for (const l of labels) {
    const b = new TextEncoder().encode(l);
    if (b.length === 0 || b.length > 63) throw new IceError('invalid-parameter', `bad DNS label in ${name}`);
    parts.push(b.length, ...b);
  }
  parts.push(0);
  if (parts.length > MAX_NAME) throw new IceError('invalid-parameter', 'DNS name too long');
  return Uint8Array.from(parts);
}

/** Encodes a message (no compression). Answers with `address` get A/AAAA data from it. */
export function encodeDnsMessage(msg: DnsMessage): Uint8Array {
  const chunks: Uint8Array[] = [];
  const header = new Uint8Array(12);
  const hv = new DataView(header.buffer);
  hv.setUint16(0, msg.id);
  // Responses are authoritative (RFC 6762 §18.4).
  hv.setUint16(2, msg.isResponse ? 0x8400 : 0);
  hv.setUint16(4, msg.questions.length);
  hv.setUint16(6, msg.answers.length);
  chunks.push(header);
  for (const q of msg.questions) {
    chunks.push(encodeName(q.name));
    const t = new Uint8Array(4);
    new DataView(t.buffer).setUint16(0, q.type);
    new DataView(t.buffer).setUint16(2, DNS_CLASS_IN | (q.unicastResponse ? 0x8000 : 0));
    chunks.push(t);
  }
  for (const r of msg.answers) {
    chunks.push(encodeName(r.name));
    const data = r.address !== undefined ? ipToBytes(r.address) : r.data;
    const t = new Uint8Array(10);
    const v = new DataView(t.buffer);
    v.setUint16(0, r.type);
    v.setUint16(2, DNS_CLASS_IN | (r.cacheFlush ? 0x8000 : 0));
    v.setUint32(4, r.ttl);
    v.setUint16(8, data.length);
    chunks.push(t, data);
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
