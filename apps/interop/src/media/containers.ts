// IVF (VP8), Ogg (Opus, RFC 7845) and Annex B H.264 in just the shape the media scenarios need: read the frames
// of the files ffmpeg makes at test setup, and write what a peer sent us so Debian's ffmpeg can
// decode it. The harness has no codec of its own: ffmpeg's verdict is the decode check.

/** A container file that does not parse. */
export class ContainerError extends Error {
  constructor(readonly code: 'ivf-header' | 'ivf-frame' | 'ogg-page' | 'ogg-opus-head' | 'h264-start' | 'h264-aud', message: string) {
    super(message);
    this.name = 'ContainerError';
  }
}

export interface IvfFrame {
  data: Uint8Array;
  /** Presentation time in the file's time base. */
  pts: number;
}

export interface IvfFile {
  fourcc: string;
  width: number;
  height: number;
  /** Seconds per pts unit: numerator / denominator. */
  timebase: { numerator: number; denominator: number };
  frames: IvfFrame[];
}

/** Every frame of an IVF file. */
export function readIvf(file: Uint8Array): IvfFile {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.byteLength < 32 || String.fromCharCode(...file.subarray(0, 4)) !== 'DKIF') throw new ContainerError('ivf-header', 'not an IVF file');
  const headerLength = view.getUint16(6, true);
  const fourcc = String.fromCharCode(...file.subarray(8, 12));
  const width = view.getUint16(12, true);
  const height = view.getUint16(14, true);
  const denominator = view.getUint32(16, true);
  const numerator = view.getUint32(20, true);
  const frames: IvfFrame[] = [];
  for (let at = headerLength; at + 12 <= file.byteLength; ) {
    const size = view.getUint32(at, true);
    const pts = Number(view.getBigUint64(at + 4, true));
    if (at + 12 + size > file.byteLength) throw new ContainerError('ivf-frame', `frame at ${at} runs past the end`);
    frames.push({ data: file.subarray(at + 12, at + 12 + size), pts });
    at += 12 + size;
  }
  return { fourcc, width, height, timebase: { numerator, denominator }, frames };
}

/**
 * An IVF file of VP8 frames, numbered in a 1/30 s time base: the decode check wants each frame
 * once and in order, not the sender's timing (RTP timestamps of a live source are uneven, and
 * ffmpeg's null muxer rejects two frames that round to one tick).
 */
export function writeIvf(frames: Uint8Array[], fourcc = 'VP80'): Uint8Array {
  // A VP8 keyframe carries the size (RFC 6386 §9.1): 14 bits each after the start code.
  const key = frames.find((f) => f.byteLength >= 10 && (f[0]! & 1) === 0);
  const width = key ? (key[6]! | (key[7]! << 8)) & 0x3fff : 0;
  const height = key ? (key[8]! | (key[9]! << 8)) & 0x3fff : 0;
  const out = new Uint8Array(32 + frames.reduce((n, f) => n + 12 + f.byteLength, 0));
  const view = new DataView(out.buffer);
  out.set([0x44, 0x4b, 0x49, 0x46]);
  view.setUint16(6, 32, true);
  for (let i = 0; i < 4; i++) out[8 + i] = fourcc.charCodeAt(i);
  view.setUint16(12, width, true);
  view.setUint16(14, height, true);
  view.setUint32(16, 30, true);
  view.setUint32(20, 1, true);
  view.setUint32(24, frames.length, true);
  let at = 32;
  frames.forEach((f, i) => {
    view.setUint32(at, f.byteLength, true);
    view.setBigUint64(at + 4, BigInt(i), true);
    out.set(f, at + 12);
    at += 12 + f.byteLength;
  });
  return out;
}

/** The audio packets of an Ogg Opus file (the OpusHead and OpusTags header packets left out). */
export function readOggOpus(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const packets: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  for (let at = 0; at < file.byteLength; ) {
    if (at + 27 > file.byteLength || String.fromCharCode(...file.subarray(at, at + 4)) !== 'OggS') {
      throw new ContainerError('ogg-page', `no Ogg page at ${at}`);
    }
    const segments = file[at + 26]!;
    const table = file.subarray(at + 27, at + 27 + segments);
    let data = at + 27 + segments;
    for (const lacing of table) {
      if (data + lacing > view.byteLength) throw new ContainerError('ogg-page', `page at ${at} runs past the end`);
      pending.push(file.subarray(data, data + lacing));
      data += lacing;
      // A lacing value under 255 ends a packet.
      if (lacing < 255) {
        packets.push(concat(pending));
        pending = [];
      }
    }
    at = data;
  }
  const head = packets[0];
  if (!head || String.fromCharCode(...head.subarray(0, 8)) !== 'OpusHead') throw new ContainerError('ogg-opus-head', 'no OpusHead packet');
  return packets.slice(2);
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

/** Samples at 48 kHz in an Opus packet, from its TOC byte (RFC 6716 §3.1). */
export function opusPacketSamples(packet: Uint8Array): number {
  if (packet.byteLength === 0) return 0;
  const toc = packet[0]!;
  const config = toc >> 3;
  const frameTenthsMs =
    config < 12 ? [100, 200, 400, 600][config % 4]! : config < 16 ? [100, 200][config % 2]! : [25, 50, 100, 200][config % 4]!;
  const code = toc & 3;
  const frames = code === 0 ? 1 : code < 3 ? 2 : packet.byteLength > 1 ? packet[1]! & 0x3f : 0;
  return (frames * frameTenthsMs * 48) / 10;
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

/** An Ogg Opus file (RFC 7845) with one packet a page. */
export function writeOggOpus(packets: Uint8Array[], channels = 2): Uint8Array {
  const serial = 0x5845;
  const head = new Uint8Array(19);
  head.set(new TextEncoder().encode('OpusHead'));
  head[8] = 1;
  head[9] = channels;
  new DataView(head.buffer).setUint32(12, 48_000, true);
  const vendor = new TextEncoder().encode('x-interop');
  const tags = new Uint8Array(8 + 4 + vendor.byteLength + 4);
  tags.set(new TextEncoder().encode('OpusTags'));
  new DataView(tags.buffer).setUint32(8, vendor.byteLength, true);
  tags.set(vendor, 12);
  const pages = [oggPage(head, 2, 0n, serial, 0), oggPage(tags, 0, 0n, serial, 1)];
  let granule = 0n;
  packets.forEach((packet, i) => {
    granule += BigInt(opusPacketSamples(packet));
    pages.push(oggPage(packet, i === packets.length - 1 ? 4 : 0, granule, serial, i + 2));
  });
  return concat(pages);
}

/** One H.264 access unit of an Annex B stream: its bytes (start codes included) and whether it holds an IDR slice. */
export interface H264AccessUnit {
  data: Uint8Array;
  keyframe: boolean;
}

/**
 * Splits an Annex B H.264 stream into access units at its access unit delimiters (NAL type 9; ffmpeg's
 * `h264_metadata=aud=insert` puts one before each).
 */
export function readH264AccessUnits(stream: Uint8Array): H264AccessUnit[] {
  const starts: Array<{ at: number; type: number }> = [];
  for (let i = 0; i + 3 < stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      const at = i > 0 && stream[i - 1] === 0 ? i - 1 : i;
      starts.push({ at, type: stream[i + 3]! & 0x1f });
      i += 2;
    }
  }
  if (starts.length === 0 || starts[0]!.at !== 0) throw new ContainerError('h264-start', 'not an Annex B H.264 stream');
  const units: H264AccessUnit[] = [];
  let from = -1;
  let keyframe = false;
  for (const s of starts) {
    if (s.type === 9) {
      if (from >= 0) units.push({ data: stream.subarray(from, s.at), keyframe });
      from = s.at;
      keyframe = false;
    } else if (s.type === 5) keyframe = true;
  }
  if (from < 0) throw new ContainerError('h264-aud', 'no access unit delimiters in the H.264 stream');
  units.push({ data: stream.subarray(from), keyframe });
  return units;
}
