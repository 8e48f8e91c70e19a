import { RtpError } from './errors.js';
import { allocRtcpPacket, need, RtcpPacketType, viewOf } from './rtcp-header.js';

/** SDES item types (RFC 3550 §6.5). */
export const SdesItemType = { cname: 1, name: 2, email: 3, phone: 4, loc: 5, tool: 6, note: 7, priv: 8 } as const;

/** One SDES item: its type and its UTF-8 text. */
export interface SdesItem {
  type: number;
  text: string;
}

/** One SDES chunk: a source and its items. */
export interface SdesChunk {
  source: number;
  items: SdesItem[];
}

/** SDES: source description (RFC 3550 §6.5). */
export interface SourceDescription {
  type: 'sdes';
  chunks: SdesChunk[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 text of a short item; ASCII (the usual CNAME) without the TextDecoder call. */
function decodeText(b: Uint8Array): string {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return decoder.decode(b);
  return String.fromCharCode.apply(null, b as unknown as number[]);
}

/** @internal Parse an SDES body. */
export function parseSourceDescription(count: number, body: Uint8Array): SourceDescription {
  const v = viewOf(body);
  const chunks: SdesChunk[] = [];
  let i = 0;
  for (let c = 0; c < count; c++) {
    need(body, i + 4, 'SDES chunk');
    const chunk: SdesChunk = { source: v.getUint32(i), items: [] };
    i += 4;
    for (;;) {
      if (i >= body.length) throw new RtpError('bad-payload', 'SDES chunk without its null terminator');
      const type = body[i]!;
      if (type === 0) {
        i = (i + 4) & ~3; // the null item and the padding up to the next 32-bit boundary
        break;
      }
      if (i + 2 > body.length) throw new RtpError('bad-payload', 'SDES item without length');
      const len = body[i + 1]!;
      if (i + 2 + len > body.length) throw new RtpError('bad-payload', `SDES item of ${len} bytes runs past the packet`);
      chunk.items.push({ type, text: decodeText(body.subarray(i + 2, i + 2 + len)) });
      i += 2 + len;
    }
    chunks.push(chunk);
  }
  return { type: 'sdes', chunks };
}

/** Serialize an SDES packet. */
export function serializeSourceDescription(p: SourceDescription): Uint8Array {
  const encoded = p.chunks.map((c) => ({
    source: c.source,
    items: c.items.map((it) => {
      const text = encoder.encode(it.text);
      if (it.type < 1 || it.type > 255 || text.length > 255) throw new RtpError('invalid-argument', `SDES item type ${it.type} of ${text.length} bytes`);
      return { type: it.type, text };
    }),
  }));
  let len = 0;
  for (const c of encoded) {
    let n = 4;
    for (const it of c.items) n += 2 + it.text.length;
    len += (n + 4) & ~3; // at least one null octet, then pad to 32 bits
  }
  const { buf, view } = allocRtcpPacket(encoded.length, RtcpPacketType.sourceDescription, len);
  let i = 4;
  for (const c of encoded) {
    view.setUint32(i, c.source >>> 0);
    let j = i + 4;
    for (const it of c.items) {
      buf[j] = it.type;
      buf[j + 1] = it.text.length;
      buf.set(it.text, j + 2);
      j += 2 + it.text.length;
    }
    i += (j - i + 4) & ~3; // at least one null octet, then up to the next 32-bit boundary
  }
  return buf;
}

/** The CNAME of `source` in an SDES packet, if present. */
export function findCname(p: SourceDescription, source: number): string | undefined {
  return p.chunks.find((c) => c.source === source)?.items.find((it) => it.type === SdesItemType.cname)?.text;
}
