/**
 * Ogg Opus files (RFC 7845 on RFC 3533 pages): the audio packets of a file, and a file of packets
 * with its OpusHead and OpusTags headers, one packet a page, granule positions counted from each
 * packet's samples. What a recorder writes received Opus to and a sender reads a clip from, as
 * Pion's `oggreader`/`oggwriter`.
 */
import { RtpError } from './errors.js';

/** What {@link readOggOpus} finds. */
export interface OggOpusFile {
  /** From OpusHead. */
  readonly channels: number;
  /** Samples (48 kHz) to drop at the start (OpusHead pre-skip). */
  readonly preSkip: number;
  /** The audio packets, OpusHead and OpusTags left out. */
  readonly packets: Uint8Array[];
}

/** Samples at 48 kHz in an Opus packet, from its TOC byte (RFC 6716 §3.1); 0 for an empty or malformed code-3 packet. */
export function opusPacketSamples(packet: Uint8Array): number {
  if (packet.byteLength === 0) return 0;
  const toc = packet[0]!;
  const config = toc >> 3;
  // Frame duration in tenths of a ms: SILK 10/20/40/60, hybrid 10/20, CELT 2.5/5/10/20.
  const tenthsMs = config < 12 ? [100, 200, 400, 600][config % 4]! : config < 16 ? [100, 200][config % 2]! : [25, 50, 100, 200][config % 4]!;
  const code = toc & 3;
  const frames = code === 0 ? 1 : code < 3 ? 2 : packet.byteLength > 1 ? packet[1]! & 0x3f : 0;
  return (frames * tenthsMs * 48) / 10;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

const isAscii = (bytes: Uint8Array, at: number, text: string): boolean => [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));

/**
 * The packets of an Ogg Opus file with one logical stream.
 * @throws RtpError `bad-payload` when a page or the OpusHead is missing, `truncated` when a page runs past the end.
 */
export function readOggOpus(file: Uint8Array): OggOpusFile {
  const packets: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  for (let at = 0; at < file.byteLength; ) {
    if (at + 27 > file.byteLength || !isAscii(file, at, 'OggS')) throw new RtpError('bad-payload', `no Ogg page at ${at}`);
    const segments = file[at + 26]!;
    if (at + 27 + segments > file.byteLength) throw new RtpError('truncated', `Ogg page at ${at} runs past the end`);
    let data = at + 27 + segments;
    for (const lacing of file.subarray(at + 27, at + 27 + segments)) {
      if (data + lacing > file.byteLength) throw new RtpError('truncated', `Ogg page at ${at} runs past the end`);
      pending.push(file.subarray(data, data + lacing));
      data += lacing;
      // A lacing value under 255 ends a packet; 255 continues it, on this page or the next.
      if (lacing < 255) {
        packets.push(concat(pending));
        pending = [];
      }
    }
    at = data;
  }
  const head = packets[0];
  if (head === undefined || head.byteLength < 19 || !isAscii(head, 0, 'OpusHead')) throw new RtpError('bad-payload', 'no OpusHead packet');
  return { channels: head[9]!, preSkip: head[10]! | (head[11]! << 8), packets: packets.slice(2) };
}

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** RFC 3533's page checksum: CRC-32, polynomial 0x04c11db7, no reflection, initial 0. */
function oggCrc(page: Uint8Array): number {
  let crc = 0;
  for (const byte of page) crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}

function oggPage(packet: Uint8Array, flags: number, granule: bigint, serial: number, sequence: number): Uint8Array {
  const lacing: number[] = [];
  for (let left = packet.byteLength; ; left -= 255) {
    lacing.push(Math.min(left, 255));
    if (left < 255) break;
  }
  const page = new Uint8Array(27 + lacing.length + packet.byteLength);
  const view = new DataView(page.buffer);
  page.set([0x4f, 0x67, 0x67, 0x53]);
  page[5] = flags;
  view.setBigInt64(6, granule, true);
  view.setUint32(14, serial, true);
  view.setUint32(18, sequence, true);
  page[26] = lacing.length;
  page.set(lacing, 27);
  page.set(packet, 27 + lacing.length);
  view.setUint32(22, oggCrc(page), true);
  return page;
}

/** Options of {@link writeOggOpus}. */
export interface OggOpusOptions {
  /** Channels in OpusHead (default 2, as WebRTC's Opus is signalled). */
  readonly channels?: number;
  /** Vendor string in OpusTags (default `x-webrtc`). */
  readonly vendor?: string;
  /** Stream serial number (default 0x5845). */
  readonly serial?: number;
}

/**
 * An Ogg Opus file of `packets`, one packet a page (a packet of 255 × 255 bytes or more does not
 * fit a page and is refused).
 * @throws RtpError `invalid-argument` for a packet too large for one page or a channel count outside 1–255.
 */
export function writeOggOpus(packets: readonly Uint8Array[], options: OggOpusOptions = {}): Uint8Array {
  const channels = options.channels ?? 2;
  if (!Number.isInteger(channels) || channels < 1 || channels > 255) throw new RtpError('invalid-argument', `channels ${channels}`);
  const serial = options.serial ?? 0x5845;
  const head = new Uint8Array(19);
  head.set(new TextEncoder().encode('OpusHead'));
  head[8] = 1;
  head[9] = channels;
  new DataView(head.buffer).setUint32(12, 48_000, true);
  const vendor = new TextEncoder().encode(options.vendor ?? 'x-webrtc');
  const tags = new Uint8Array(8 + 4 + vendor.byteLength + 4);
  tags.set(new TextEncoder().encode('OpusTags'));
  new DataView(tags.buffer).setUint32(8, vendor.byteLength, true);
  tags.set(vendor, 12);
  const pages = [oggPage(head, 2, 0n, serial, 0), oggPage(tags, 0, 0n, serial, 1)];
  let granule = 0n;
  packets.forEach((packet, i) => {
    if (packet.byteLength >= 255 * 255) throw new RtpError('invalid-argument', `Opus packet of ${packet.byteLength} bytes does not fit one Ogg page`);
    granule += BigInt(opusPacketSamples(packet));
    pages.push(oggPage(packet, i === packets.length - 1 ? 4 : 0, granule, serial, i + 2));
  });
  return concat(pages);
}
